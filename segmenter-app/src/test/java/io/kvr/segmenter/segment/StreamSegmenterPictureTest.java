package io.kvr.segmenter.segment;

import static io.kvr.segmenter.segment.FakeCamera.FRAME_TICKS;
import static io.kvr.segmenter.segment.FakeCamera.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.SegmentTrack;
import io.kvr.testsupport.FFmpegTools;
import io.kvr.testsupport.JsonValues;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mp4parser.IsoFile;
import org.mp4parser.boxes.iso14496.part12.TrackRunBox;

/**
 * A video unit with no picture data (only an access unit delimiter, which samples never carry, or no bytes at all:
 * what a demuxer hands out for a picture cut off when the stream stops) is left out rather than written as a
 * sample of 0 bytes, which players reject together with the whole segment. The sample before it lasts until the
 * next unit kept, or at a close as long as the one before.
 */
class StreamSegmenterPictureTest {
    private static final String S1 = FakeCamera.sessionId(1);
    /** Annex B access unit delimiter, primary_pic_type 7 (H.264 7.3.2.4). */
    private static final byte[] DELIMITER_ONLY = {0, 0, 0, 1, 0x09, (byte) 0xf0};

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"delimiter only", "empty"})
    void aLastVideoUnitWithoutPictureIsLeftOutOfTheSegmentTheStreamEndsWith(String kind) throws IOException {
        // frames 50..59 make the last segment, closed by the idle flush; frame 59 has no picture
        List<FakeCamera.Fed> records = withoutPicture(
                new FakeCamera(0).session(S1, T0, true, new byte[0], true).frames(0, 60), 59, kind);
        StreamSegmenterHarness harness = FakeCamera.segmenter();

        List<ClosedSegment> closed = new ArrayList<>(harness.feed(records));
        closed.add(harness.segmenter().flush().orElseThrow());

        assertThat(closed).hasSize(2);
        closed.forEach(this::assertEverySampleHasBytesAndFfprobeReadsIt);
        ClosedSegment last = closed.get(1);
        SegmentTrack video = last.record().getTracks().getFirst();
        assertThat(video.getSampleSizes()).hasSize(9);
        assertThat(video.getSampleDurations()).containsOnly(FRAME_TICKS);
        assertThat(last.record().getMediaDuration()).isEqualTo(9L * FRAME_TICKS);
        assertThat(harness.segmenter().dropped()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"delimiter only", "empty"})
    void aVideoUnitWithoutPictureInMidSegmentLengthensTheSampleBefore(String kind) throws IOException {
        List<FakeCamera.Fed> records = withoutPicture(
                new FakeCamera(0).session(S1, T0, true, new byte[0], true).frames(0, 60), 12, kind);
        StreamSegmenterHarness harness = FakeCamera.segmenter();

        List<ClosedSegment> closed = new ArrayList<>(harness.feed(records));
        closed.add(harness.segmenter().flush().orElseThrow());

        closed.forEach(this::assertEverySampleHasBytesAndFfprobeReadsIt);
        SegmentTrack video = closed.getFirst().record().getTracks().getFirst();
        assertThat(video.getSampleSizes()).hasSize(49);
        assertThat(video.getSampleDurations().get(11)).isEqualTo(2 * FRAME_TICKS);
        assertThat(closed.getFirst().record().getMediaDuration()).isEqualTo(50L * FRAME_TICKS);
        assertThat(harness.segmenter().dropped()).isEqualTo(1);
    }

    /** The records with video frame {@code frame}'s payload replaced by one without picture data. */
    private static List<FakeCamera.Fed> withoutPicture(FakeCamera camera, int frame, String kind) {
        byte[] payload = kind.equals("empty") ? new byte[0] : DELIMITER_ONLY;
        List<FakeCamera.Fed> records = new ArrayList<>(camera.records());
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).value() instanceof AccessUnit u
                    && u.getTrack() == 0
                    && u.getDts() == (long) frame * FRAME_TICKS) {
                AccessUnit replaced = AccessUnit.newBuilder(u)
                        .setPayload(ByteBuffer.wrap(payload))
                        .build();
                records.set(i, new FakeCamera.Fed(replaced, records.get(i).offset()));
                return records;
            }
        }
        throw new IllegalArgumentException("no video frame " + frame);
    }

    private void assertEverySampleHasBytesAndFfprobeReadsIt(ClosedSegment c) {
        try (IsoFile file = new IsoFile(Channels.newChannel(new ByteArrayInputStream(c.bytes())))) {
            List<TrackRunBox> runs = org.mp4parser.tools.Path.getPaths(file, "moof/traf/trun");
            assertThat(runs)
                    .isNotEmpty()
                    .allSatisfy(run -> assertThat(run.getEntries())
                            .allSatisfy(e -> assertThat(e.getSampleSize()).isPositive()));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(c.record().getTracks())
                .allSatisfy(t -> assertThat(t.getSampleSizes())
                        .allSatisfy(size -> assertThat(size).isPositive()));
        FFmpegTools.Result probe = probe(c.init(), c.bytes());
        // the decoders' complaints about the synthetic slice data are not the container's
        assertThat(probe.ok() && !probe.stderr().contains("[mov,"))
                .as(probe.describe())
                .isTrue();
        Map<String, Long> indexed = new HashMap<>();
        for (SegmentTrack t : c.record().getTracks()) {
            indexed.put(t.getTrackId() == 1 ? "h264" : "aac", (long)
                    t.getSampleSizes().size());
        }
        Map<String, Long> read = new HashMap<>();
        for (Object o : (List<?>) JsonValues.parseObject(probe.stdout()).get("streams")) {
            Map<?, ?> stream = (Map<?, ?>) o;
            read.put(
                    String.valueOf(stream.get("codec_name")),
                    Long.parseLong(String.valueOf(stream.get("nb_read_packets"))));
        }
        assertThat(read).as(c.objectKey()).isEqualTo(indexed);
    }

    /** ffprobe of the init followed by the segment, counting packets, as SegmenterCrashIT does. */
    private FFmpegTools.Result probe(byte[] init, byte[] segment) {
        try {
            Path joined = Files.createTempFile(dir, "probe", ".mp4");
            try (OutputStream out = Files.newOutputStream(joined)) {
                out.write(init);
                out.write(segment);
            }
            return FFmpegTools.ffprobe(
                    Duration.ofSeconds(30),
                    "-v",
                    "error",
                    "-count_packets",
                    "-show_entries",
                    "stream=codec_name,nb_read_packets",
                    "-of",
                    "json",
                    joined.toString());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
