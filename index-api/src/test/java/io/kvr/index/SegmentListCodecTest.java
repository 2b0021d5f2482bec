package io.kvr.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.schemas.Codec;
import io.kvr.schemas.SegmentRecord;
import io.kvr.schemas.SegmentTrack;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentListCodecTest {
    private final SegmentListCodec codec = new SegmentListCodec();

    private static SegmentRecord segment(long startMs, long sequence, String initKey) {
        return SegmentRecord.newBuilder()
                .setStreamId("live/door")
                .setIngestSessionId("s1")
                .setSequence(sequence)
                .setStartTimeMs(startMs)
                .setEndTimeMs(startMs + 1960)
                .setDurationMs(1960)
                .setMediaStartTime(0)
                .setMediaDuration(176_400)
                .setTimescale(90_000)
                .setByteSize(1000)
                .setBucket("kvr")
                .setObjectKey("live/door/1970/01/01/00/s1-" + sequence + ".m4s")
                .setInitKey(initKey)
                .setCodecs("avc1.42c01e,mp4a.40.2")
                .setMoofOffset(0)
                .setMoofSize(1)
                .setMdatOffset(1)
                .setMdatSize(2)
                .setTracks(List.of(SegmentTrack.newBuilder()
                        .setTrackId(2)
                        .setCodec(Codec.AAC)
                        .setTimescale(48_000)
                        .setBaseDecodeTime(0)
                        .setDataOffset(8)
                        .setSampleSizes(List.of(5))
                        .setSampleDurations(List.of(1024))
                        .setCompositionOffsets(List.of(0))
                        .setSyncSamples(List.of(0))
                        .build()))
                .build();
    }

    @Test
    void roundTripsOrdinalsDiscontinuitiesAndRecordsInOrder() throws IOException {
        List<IndexedSegment> list = List.of(
                new IndexedSegment(0, 0, segment(1000, 0, "live/door/init/s1-a.mp4")),
                new IndexedSegment(1, 0, segment(2960, 50, "live/door/init/s1-a.mp4")),
                new IndexedSegment(Long.MAX_VALUE, 7, segment(-5, 1L << 40, "live/door/init/s2-b.mp4")));

        List<IndexedSegment> decoded = codec.decode(new ByteArrayInputStream(codec.encode(list)));

        assertThat(decoded).isEqualTo(list);
    }

    @Test
    void emptyListIsFourBytes() throws IOException {
        byte[] bytes = codec.encode(List.of());

        assertThat(bytes).containsExactly(0, 0, 0, 0);
        assertThat(codec.decode(new ByteArrayInputStream(bytes))).isEmpty();
    }

    @Test
    void truncatedInputFails() {
        byte[] bytes = codec.encode(List.of(new IndexedSegment(0, 0, segment(0, 0, "live/door/init/x.mp4"))));

        assertThatThrownBy(() -> codec.decode(new ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length - 1))))
                .isInstanceOf(EOFException.class);
    }
}
