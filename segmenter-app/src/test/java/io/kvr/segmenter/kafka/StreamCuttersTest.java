package io.kvr.segmenter.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.policy.EffectivePolicy;
import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.Codec;
import io.kvr.segmenter.segment.ClosedSegment;
import io.kvr.segmenter.segment.StreamSegmenter;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The commit rules of the loop: how far each stream's units are safely published. */
class StreamCuttersTest {
    /** x264 Constrained Baseline 640x360 parameter sets, as in the segment tests. */
    private static final byte[] SPS =
            HexFormat.of().parseHex("6742c01ed900a02ff97016a0c0c0d4a0000003002000000791e2c5c9");

    private static final byte[] PPS = HexFormat.of().parseHex("68cb8cb2");
    private static final String SESSION = "018bd0c1-6d00-7000-8000-000000000001";
    private static final StreamName DOOR = StreamName.parse("live/door");
    private static final StreamName YARD = StreamName.parse("live/yard");

    private final StreamCutters cutters = new StreamCutters((name, partition) ->
            new StreamSegmenter(name, partition, "kvr", () -> new EffectivePolicy(true, 2000, 0, "")));

    /** 25 fps, a keyframe every 25 frames; frame i of {@code stream} at offset {@code firstOffset + i}. */
    private Optional<ClosedSegment> feed(StreamName stream, int from, int to, long firstOffset) {
        StreamSegmenter cutter = cutters.cutter(stream, 0);
        Optional<ClosedSegment> last = Optional.empty();
        for (int i = from; i < to; i++) {
            cutters.fed(stream.id(), i, null);
            Optional<ClosedSegment> closed = cutter.onAccessUnit(frame(stream, i), firstOffset + i, Optional.empty());
            last = closed.isPresent() ? closed : last;
        }
        return last;
    }

    private static AccessUnit frame(StreamName stream, int i) {
        boolean key = i % 25 == 0;
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        if (key) {
            payload.writeBytes(new byte[] {0, 0, 0, 1});
            payload.writeBytes(SPS);
            payload.writeBytes(new byte[] {0, 0, 0, 1});
            payload.writeBytes(PPS);
        }
        payload.writeBytes(new byte[] {0, 0, 0, 1, (byte) (key ? 0x65 : 0x41), (byte) 0x88, (byte) (0x80 | i % 0x7F)});
        return AccessUnit.newBuilder()
                .setStreamId(stream.id())
                .setIngestSessionId(SESSION)
                .setTrack(0)
                .setCodec(Codec.H264)
                .setKeyframe(key)
                .setPts(i * 3600L)
                .setDts(i * 3600L)
                .setTimebaseNum(1)
                .setTimebaseDen(90_000)
                .setCaptureTimeMs(1_700_000_000_000L + i * 40L)
                .setArrivalTimeMs(0)
                .setSequence(i)
                .setPayload(ByteBuffer.wrap(payload.toByteArray()))
                .build();
    }

    @Test
    void aStreamResumesAtItsOpenSegmentsFirstUnit() {
        feed(DOOR, 0, 60, 100); // cut at frame 50: [0, 50) closed, [50, 60) open

        assertThat(cutters.resumeOffsets(0, 160)).containsExactlyEntriesOf(java.util.Map.of("live/door", 150L));
        assertThat(cutters.resumeOffsets(1, 160)).isEmpty();
    }

    @Test
    void aClosedSegmentThatWasNotPublishedHoldsItsStreamsCommitAtItsFirstUnit() {
        feed(DOOR, 0, 40, 0);
        ClosedSegment flushed = cutters.cutter(DOOR, 0).flush().orElseThrow(); // the stream went quiet
        assertThat(flushed.firstOffset()).isZero();
        assertThat(cutters.resumeOffsets(0, 40)).as("nothing open any more").containsEntry("live/door", 40L);

        // storage was given up on while stopping, or the announcement failed: the segment exists nowhere else
        cutters.unpublished("live/door", flushed);

        assertThat(cutters.resumeOffsets(0, 40)).containsEntry("live/door", 0L);
        feed(DOOR, 50, 120, 0); // later segments of the stream are cut and published
        assertThat(cutters.resumeOffsets(0, 120))
                .as("a restart must rebuild it")
                .containsEntry("live/door", 0L);
    }

    @Test
    void anotherStreamOnThePartitionKeepsItsOwnResumePoint() {
        feed(DOOR, 0, 40, 0);
        ClosedSegment flushed = cutters.cutter(DOOR, 0).flush().orElseThrow();
        cutters.unpublished("live/door", flushed);
        feed(YARD, 0, 60, 1000);

        assertThat(cutters.resumeOffsets(0, 1060))
                .containsEntry("live/door", 0L)
                .containsEntry("live/yard", 1050L);
    }

    @Test
    void forgottenPartitionsTakeTheirStreamsAndHoldsWithThem() {
        feed(DOOR, 0, 40, 0);
        cutters.unpublished("live/door", cutters.cutter(DOOR, 0).flush().orElseThrow());

        cutters.forget(List.of(0));

        assertThat(cutters.resumeOffsets(0, 40)).isEmpty();
        assertThat(cutters.all()).isEmpty();
    }

    @Test
    void unitsBeforeAResumePointFromTheCommitAreAlreadyStored() {
        cutters.resumeFrom(java.util.Map.of("live/door", 500L));

        assertThat(cutters.alreadyStored("live/door", 499)).isTrue();
        assertThat(cutters.alreadyStored("live/yard", 10)).isFalse();
        assertThat(cutters.alreadyStored("live/door", 500)).isFalse();
        assertThat(cutters.alreadyStored("live/door", 10))
                .as("the point is passed once")
                .isFalse();
    }
}
