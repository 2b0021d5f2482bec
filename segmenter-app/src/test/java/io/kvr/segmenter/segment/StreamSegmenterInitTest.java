package io.kvr.segmenter.segment;

import static io.kvr.segmenter.segment.FakeCamera.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.policy.EffectivePolicy;
import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.SegmentTrack;
import io.kvr.schemas.StreamInfo;
import io.kvr.schemas.TrackInfo;
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
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mp4parser.IsoFile;
import org.mp4parser.boxes.iso14496.part12.TrackExtendsBox;
import org.mp4parser.boxes.iso14496.part12.TrackFragmentHeaderBox;

/**
 * Every segment the cutter closes is described by the init segment its record names: each track its moof uses has a
 * trak and trex in that init, and ffprobe reads the two joined with the record's sample counts. Checked for a session
 * with H.264 and AAC in each way its StreamInfo can be missing, late or partly unusable, and across a replay that
 * sees the StreamInfo when the first run did not.
 */
class StreamSegmenterInitTest {
    private static final String S1 = FakeCamera.sessionId(1);

    @TempDir
    Path dir;

    @Test
    void aSessionCutWithoutItsStreamInfoRecordsVideoOnlyWithAnInitOfVideoOnly() throws IOException {
        FakeCamera camera =
                new FakeCamera(0).session(S1, T0, true, new byte[0], true).frames(0, 160);
        // resumed at a keyframe in mid-session, the lookup having found nothing
        long resume = offsetOfFrame(camera, 50);

        List<ClosedSegment> closed = FakeCamera.segmenter().feed(camera.from(resume));

        assertThat(closed).isNotEmpty().allSatisfy(c -> {
            assertThat(trexTrackIds(c.init())).containsExactly(1);
            assertThat(tfhdTrackIds(c.bytes())).containsExactly(1);
            assertThat(c.record().getCodecs()).isEqualTo("avc1.42c01e");
        });
        closed.forEach(this::assertReadable);
    }

    @Test
    void aSessionCutWithItsStreamInfoRecordsBothTracksWithAnInitOfBoth() throws IOException {
        FakeCamera camera =
                new FakeCamera(0).session(S1, T0, true, new byte[0], true).frames(0, 160);
        StreamInfo info = FakeCamera.streamInfo(S1, T0, new byte[0], true);
        StreamSegmenterHarness replay =
                new StreamSegmenterHarness(FakeCamera.segmenter().segmenter(), id -> Optional.of(info));

        List<ClosedSegment> closed = replay.feed(camera.from(offsetOfFrame(camera, 50)));

        assertThat(closed).isNotEmpty().allSatisfy(c -> {
            assertThat(trexTrackIds(c.init())).containsExactly(1, 2);
            assertThat(tfhdTrackIds(c.bytes())).containsExactly(1, 2);
        });
        closed.forEach(this::assertReadable);
    }

    /**
     * Why the StreamInfo lookup must answer the same on every run: with and without it the cutter writes different
     * bytes under one object key, each with its own init. The index keeps the first announcement, so a first run
     * that missed the StreamInfo and a replay that found it leave an object whose audio track the indexed init
     * lacks, which ffprobe rejects.
     */
    @Test
    void aReplayThatFindsTheStreamInfoRewritesTheSegmentForAnotherInit() throws IOException {
        FakeCamera camera =
                new FakeCamera(0).session(S1, T0, true, new byte[0], true).frames(0, 160);
        StreamInfo info = FakeCamera.streamInfo(S1, T0, new byte[0], true);
        long resume = offsetOfFrame(camera, 50);
        ClosedSegment missed = FakeCamera.segmenter().feed(camera.from(resume)).getFirst();
        ClosedSegment found = new StreamSegmenterHarness(FakeCamera.segmenter().segmenter(), id -> Optional.of(info))
                .feed(camera.from(resume))
                .getFirst();

        assertThat(found.objectKey()).isEqualTo(missed.objectKey());
        assertThat(found.initKey()).isNotEqualTo(missed.initKey());
        // ffmpeg finds no trex for track 2 and reads its run into the video track
        List<SegmentTrack> tracks = found.record().getTracks();
        assertThat(packets(probe(missed.init(), found.bytes())))
                .isEqualTo(Map.of(
                        "h264",
                        (long) tracks.get(0).getSampleSizes().size()
                                + tracks.get(1).getSampleSizes().size()));
    }

    @Test
    void aStreamInfoThatArrivesAfterTheFirstKeyframeLeavesTheSessionVideoOnly() throws IOException {
        FakeCamera camera =
                new FakeCamera(1).session(S1, T0, false, new byte[0], true).frames(0, 110);
        StreamSegmenterHarness harness = FakeCamera.segmenter();
        List<ClosedSegment> closed = new ArrayList<>();
        List<FakeCamera.Fed> records = camera.records();
        closed.addAll(harness.feed(records.subList(0, 10)));
        harness.feed(new FakeCamera.Fed(FakeCamera.streamInfo(S1, T0, new byte[0], true), 0))
                .ifPresent(closed::add);
        closed.addAll(harness.feed(records.subList(10, records.size())));
        harness.segmenter().flush().ifPresent(closed::add);

        assertThat(closed)
                .hasSize(3)
                .allSatisfy(c -> assertThat(tfhdTrackIds(c.bytes())).containsExactly(1));
        closed.forEach(this::assertReadable);
    }

    @Test
    void anAudioTrackWhoseConfigurationCannotBeReadIsLeftOut() throws IOException {
        StreamInfo announced = FakeCamera.streamInfo(S1, T0, new byte[0], true);
        List<TrackInfo> tracks = new ArrayList<>(announced.getTracks());
        // AAC-LC with the explicit-frequency index but no frequency after it
        tracks.set(
                1,
                TrackInfo.newBuilder(tracks.get(1))
                        .setExtradata(ByteBuffer.wrap(new byte[] {0x17}))
                        .build());
        StreamInfo info = StreamInfo.newBuilder(announced).setTracks(tracks).build();
        FakeCamera camera =
                new FakeCamera(1).session(S1, T0, false, new byte[0], true).frames(0, 110);
        StreamSegmenterHarness harness = FakeCamera.segmenter();
        List<ClosedSegment> closed = new ArrayList<>();
        harness.feed(new FakeCamera.Fed(info, 0)).ifPresent(closed::add);
        closed.addAll(harness.feed(camera.records()));
        harness.segmenter().flush().ifPresent(closed::add);

        assertThat(closed).hasSize(3).allSatisfy(c -> {
            assertThat(trexTrackIds(c.init())).containsExactly(1);
            assertThat(tfhdTrackIds(c.bytes())).containsExactly(1);
        });
        closed.forEach(this::assertReadable);
    }

    @Test
    void audioBeforeTheFirstKeyframeAndTheIdleFlushOfTheLastSegmentKeepInitAndSegmentTogether() throws IOException {
        // frames 1..24 are not keyframes: the audio among them comes before the session's first keyframe
        FakeCamera camera =
                new FakeCamera(0).session(S1, T0, true, new byte[0], true).frames(1, 90);
        StreamSegmenterHarness harness = FakeCamera.segmenter();

        List<ClosedSegment> closed = new ArrayList<>(harness.feed(camera.records()));
        closed.add(harness.segmenter().flush().orElseThrow());

        assertThat(closed).hasSize(2).allSatisfy(c -> {
            assertThat(trexTrackIds(c.init())).containsExactly(1, 2);
            assertThat(tfhdTrackIds(c.bytes())).containsExactly(1, 2);
        });
        closed.forEach(this::assertReadable);
    }

    @Test
    void aPolicyChangeInMidSegmentKeepsInitAndSegmentTogether() throws IOException {
        AtomicReference<EffectivePolicy> policy = new AtomicReference<>(new EffectivePolicy(true, 2000, 0, ""));
        StreamSegmenterHarness harness =
                new StreamSegmenterHarness(new StreamSegmenter(StreamName.parse("live/door"), 3, "kvr", policy::get));
        FakeCamera camera =
                new FakeCamera(0).session(S1, T0, true, new byte[0], true).frames(0, 300);
        List<FakeCamera.Fed> records = camera.records();
        int third = records.size() / 3;
        List<ClosedSegment> closed = new ArrayList<>(harness.feed(records.subList(0, third)));
        policy.set(new EffectivePolicy(true, 3000, 0, "archive"));
        harness.segmenter().refreshPolicy();
        closed.addAll(harness.feed(records.subList(third, 2 * third)));
        policy.set(new EffectivePolicy(false, 3000, 0, "archive"));
        harness.segmenter().refreshPolicy();
        closed.addAll(harness.feed(records.subList(2 * third, records.size())));
        harness.segmenter().flush().ifPresent(closed::add);

        assertThat(closed)
                .hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(c -> assertThat(tfhdTrackIds(c.bytes())).containsExactly(1, 2));
        closed.forEach(this::assertReadable);
    }

    /** The segment's tracks are the init's, and ffprobe reads the pair with the record's sample counts. */
    private void assertReadable(ClosedSegment c) {
        try {
            assertThat(trexTrackIds(c.init())).containsAll(tfhdTrackIds(c.bytes()));
            assertThat(c.record().getTracks())
                    .extracting(SegmentTrack::getTrackId)
                    .containsExactlyElementsOf(tfhdTrackIds(c.bytes()));
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
            assertThat(packets(probe)).as(c.objectKey()).isEqualTo(indexed);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Packets ffprobe read, by codec name. */
    private static Map<String, Long> packets(FFmpegTools.Result probe) {
        Map<String, Long> packets = new HashMap<>();
        for (Object o : (List<?>) JsonValues.parseObject(probe.stdout()).get("streams")) {
            Map<?, ?> stream = (Map<?, ?>) o;
            packets.put(
                    String.valueOf(stream.get("codec_name")),
                    Long.parseLong(String.valueOf(stream.get("nb_read_packets"))));
        }
        return packets;
    }

    /** ffprobe of the init followed by the segment, counting packets, as SegmenterCrashIT does. */
    private FFmpegTools.Result probe(byte[] init, byte[] segment) throws IOException {
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
    }

    private static List<Integer> trexTrackIds(byte[] init) {
        return parsed(init, "moov/mvex/trex").stream()
                .map(b -> (int) ((TrackExtendsBox) b).getTrackId())
                .toList();
    }

    private static List<Integer> tfhdTrackIds(byte[] segment) {
        return parsed(segment, "moof/traf/tfhd").stream()
                .map(b -> (int) ((TrackFragmentHeaderBox) b).getTrackId())
                .toList();
    }

    private static List<org.mp4parser.Box> parsed(byte[] bytes, String path) {
        try (IsoFile file = new IsoFile(Channels.newChannel(new ByteArrayInputStream(bytes)))) {
            return org.mp4parser.tools.Path.getPaths(file, path);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static long offsetOfFrame(FakeCamera camera, int frame) {
        return camera.records().stream()
                .filter(f -> f.value() instanceof io.kvr.schemas.AccessUnit u
                        && u.getTrack() == 0
                        && u.getDts() == (long) frame * FakeCamera.FRAME_TICKS)
                .findFirst()
                .orElseThrow()
                .offset();
    }
}
