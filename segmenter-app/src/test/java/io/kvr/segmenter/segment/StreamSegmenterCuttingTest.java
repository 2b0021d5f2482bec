package io.kvr.segmenter.segment;

import static io.kvr.segmenter.segment.FakeCamera.FRAME_TICKS;
import static io.kvr.segmenter.segment.FakeCamera.PPS;
import static io.kvr.segmenter.segment.FakeCamera.SPS;
import static io.kvr.segmenter.segment.FakeCamera.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.schemas.Codec;
import io.kvr.schemas.SegmentRecord;
import io.kvr.schemas.SegmentTrack;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamSegmenterCuttingTest {
    private static final String S1 = FakeCamera.sessionId(1);

    @Test
    void cutsAtTheFirstKeyframeAtOrAfterTwoSeconds() {
        FakeCamera camera = new FakeCamera(0).session(S1, T0).frames(0, 130);
        StreamSegmenterHarness harness = FakeCamera.segmenter();

        List<ClosedSegment> closed = harness.feed(camera.records());

        assertThat(closed).hasSize(2);
        assertThat(closed)
                .extracting(c -> c.record().getTracks().get(0).getSampleDurations())
                .containsOnly(Collections.nCopies(50, FRAME_TICKS));
        assertThat(closed).extracting(c -> c.record().getDurationMs()).containsOnly(2000L);
        assertThat(closed.get(0).record().getTracks().get(0).getSyncSamples()).containsExactly(0, 25);
        assertThat(harness.segmenter().dropped()).isZero();
        assertThat(harness.segmenter().hasOpenSegment()).isTrue();
    }

    @Test
    void recordDescribesTheSegment() {
        FakeCamera camera =
                new FakeCamera(1000).session(S1, T0).frames(0, 101); // StreamInfo at 1000, frame i at 1001 + i
        List<ClosedSegment> closed = FakeCamera.segmenter().feed(camera.records());

        ClosedSegment second = closed.get(1);
        SegmentRecord r = second.record();
        assertThat(r.getStreamId()).isEqualTo("live/door");
        assertThat(r.getIngestSessionId()).isEqualTo(S1);
        assertThat(r.getSequence()).isEqualTo(50);
        assertThat(r.getStartTimeMs()).isEqualTo(T0 + 2000);
        assertThat(r.getEndTimeMs()).isEqualTo(T0 + 4000);
        assertThat(r.getMediaStartTime()).isEqualTo(50L * FRAME_TICKS);
        assertThat(r.getMediaDuration()).isEqualTo(180_000);
        assertThat(r.getTimescale()).isEqualTo(90_000);
        assertThat(r.getObjectKey()).isEqualTo("live/door/2023/11/14/22/" + S1 + "-0000000050.m4s");
        assertThat(r.getInitKey()).matches("live/door/init/" + S1 + "-[0-9a-f]{16}\\.mp4");
        assertThat(r.getBucket()).isEqualTo("kvr");
        assertThat(r.getCodecs()).isEqualTo("avc1.42c01e");
        assertThat(r.getWidth()).isEqualTo(640);
        assertThat(r.getHeight()).isEqualTo(360);
        assertThat(r.getSourcePartition()).isEqualTo(3);
        assertThat(r.getFirstOffset()).isEqualTo(1051);
        assertThat(r.getLastOffset()).isEqualTo(1100);
        assertThat(r.getAnnouncedAtMs()).isZero();
        assertThat(r.getByteSize()).isEqualTo(second.bytes().length);
        assertThat(r.getMdatOffset() + r.getMdatSize()).isEqualTo(r.getByteSize());
        assertThat(r.getMoofOffset() + r.getMoofSize()).isEqualTo(r.getMdatOffset());
        assertThat(second.objectKey()).isEqualTo(r.getObjectKey());
        assertThat(second.initKey())
                .isEqualTo(r.getInitKey())
                .isEqualTo(closed.get(0).initKey());
        assertThat(second.firstOffset()).isEqualTo(1051);
        assertThat(second.lastOffset()).isEqualTo(1100);
        assertThat(new String(second.bytes(), 4, 4, StandardCharsets.US_ASCII)).isEqualTo("styp");
        assertThat(new String(second.init(), 4, 4, StandardCharsets.US_ASCII)).isEqualTo("ftyp");
    }

    @Test
    void keyframeSamplesKeepTheirInBandParameterSetsLengthPrefixed() {
        FakeCamera camera = new FakeCamera(0).session(S1, T0).frames(0, 51);

        SegmentTrack video = FakeCamera.segmenter()
                .feed(camera.records())
                .get(0)
                .record()
                .getTracks()
                .get(0);

        int keyframe = 4 + SPS.length + 4 + PPS.length + 4 + 40;
        int slice = 4 + 12;
        assertThat(video.getTrackId()).isEqualTo(1);
        assertThat(video.getCodec()).isEqualTo(Codec.H264);
        assertThat(video.getSampleSizes().get(0)).isEqualTo(keyframe);
        assertThat(video.getSampleSizes().get(1)).isEqualTo(slice);
        assertThat(video.getSampleSizes().get(25)).isEqualTo(keyframe);
        assertThat(video.getCompositionOffsets()).containsOnly(0);
    }

    @Test
    void unitsBeforeTheFirstKeyframeAreDropped() {
        FakeCamera camera = new FakeCamera(0).session(S1, T0).frames(10, 80); // keyframes at 25, 50, 75
        StreamSegmenterHarness harness = FakeCamera.segmenter();

        List<ClosedSegment> closed = harness.feed(camera.records());

        assertThat(harness.segmenter().dropped()).isEqualTo(15);
        assertThat(closed).singleElement().satisfies(c -> {
            assertThat(c.record().getSequence()).isEqualTo(15); // frame 25 is the session's 16th unit
            assertThat(c.record().getMediaStartTime()).isEqualTo(25L * FRAME_TICKS);
            assertThat(c.record().getStartTimeMs()).isEqualTo(T0 + 1000);
            assertThat(c.record().getTracks().get(0).getSampleSizes()).hasSize(50);
        });
    }

    @Test
    void keyframeJustUnderTheTargetStillCutsWithinTenMilliseconds() {
        FakeCamera camera = new FakeCamera(0)
                .session(S1, T0)
                .frames(0, 50)
                .frame(50, 50L * FRAME_TICKS - 900) // 10 ms early: on time
                .frames(51, 52);

        List<ClosedSegment> closed = FakeCamera.segmenter().feed(camera.records());

        assertThat(closed)
                .singleElement()
                .satisfies(c -> assertThat(c.record().getMediaDuration()).isEqualTo(179_100));
    }

    @Test
    void keyframeMoreThanTenMillisecondsEarlyDoesNotCut() {
        FakeCamera camera = new FakeCamera(0)
                .session(S1, T0)
                .frames(0, 50)
                .frame(50, 50L * FRAME_TICKS - 901)
                .frames(51, 60);

        assertThat(FakeCamera.segmenter().feed(camera.records())).isEmpty();
    }

    @Test
    void resumeOffsetIsTheOpenSegmentsFirstUnit() {
        FakeCamera camera = new FakeCamera(500).session(S1, T0).frames(0, 130); // frame i at 501 + i
        StreamSegmenter segmenter = FakeCamera.segmenter().segmenter();
        StreamSegmenterHarness harness = new StreamSegmenterHarness(segmenter);
        List<FakeCamera.Fed> records = camera.records();

        assertThat(segmenter.resumeOffset()).isZero();
        harness.feed(records.subList(0, 1)); // the StreamInfo
        assertThat(segmenter.resumeOffset()).isEqualTo(501);
        harness.feed(records.subList(1, 50)); // frames 0..48
        assertThat(segmenter.resumeOffset()).isEqualTo(501);
        harness.feed(records.subList(50, records.size())); // cuts at 50 and 100
        assertThat(segmenter.resumeOffset()).isEqualTo(601);

        assertThat(segmenter.flush()).isPresent();
        assertThat(segmenter.resumeOffset()).isEqualTo(631);
        assertThat(segmenter.hasOpenSegment()).isFalse();
        assertThat(segmenter.flush()).isEmpty();
    }

    @Test
    void flushClosesTheOpenSegmentWithTheLastFrameLastingAsLongAsThePreviousOne() {
        FakeCamera camera = new FakeCamera(0).session(S1, T0).frames(0, 10).frame(10, 10L * FRAME_TICKS + 3000);
        StreamSegmenterHarness harness = FakeCamera.segmenter();
        harness.feed(camera.records());

        SegmentRecord r = harness.segmenter().flush().orElseThrow().record();

        List<Integer> durations = r.getTracks().get(0).getSampleDurations();
        assertThat(durations).hasSize(11);
        assertThat(durations.subList(0, 9)).containsOnly(FRAME_TICKS);
        assertThat(durations.subList(9, 11)).containsExactly(6600, 6600);
        assertThat(r.getMediaDuration()).isEqualTo(9L * FRAME_TICKS + 6600 + 6600);
        assertThat(r.getDurationMs()).isEqualTo((9L * FRAME_TICKS + 13_200) / 90);
    }

    @Test
    void flushOfASingleFrameAssumesTwentyFiveFramesPerSecond() {
        FakeCamera camera = new FakeCamera(0).session(S1, T0).frames(0, 1);
        StreamSegmenterHarness harness = FakeCamera.segmenter();
        harness.feed(camera.records());

        SegmentRecord r = harness.segmenter().flush().orElseThrow().record();

        assertThat(r.getTracks().get(0).getSampleDurations()).containsExactly(FRAME_TICKS);
        assertThat(r.getDurationMs()).isEqualTo(40);
    }

    @Test
    void framesWhoseDecodeTimeDoesNotAdvanceAreDropped() {
        FakeCamera camera = new FakeCamera(0)
                .session(S1, T0)
                .frames(0, 10)
                .frame(11, 5L * FRAME_TICKS) // backwards
                .frame(12, 9L * FRAME_TICKS) // equal to the last one
                .frames(10, 51);
        StreamSegmenterHarness harness = FakeCamera.segmenter();

        List<ClosedSegment> closed = harness.feed(camera.records());

        assertThat(harness.segmenter().dropped()).isEqualTo(2);
        assertThat(closed).singleElement().satisfies(c -> {
            SegmentTrack video = c.record().getTracks().get(0);
            assertThat(video.getSampleDurations()).hasSize(50).containsOnly(FRAME_TICKS);
            assertThat(c.record().getLastOffset()).isEqualTo(1 + 10 + 2 + 39);
        });
    }

    @Test
    void segmentBytesAreIndependentOfTheOffsetsAndPartitionTheyCameFrom() {
        List<ClosedSegment> a = FakeCamera.segmenter()
                .feed(new FakeCamera(0).session(S1, T0).frames(0, 51).records());
        List<ClosedSegment> b = FakeCamera.segmenter()
                .feed(new FakeCamera(777).session(S1, T0).frames(0, 51).records());

        assertThat(Arrays.equals(a.get(0).bytes(), b.get(0).bytes())).isTrue();
        assertThat(a.get(0).objectKey()).isEqualTo(b.get(0).objectKey());
        assertThat(a.get(0).record().getFirstOffset())
                .isNotEqualTo(b.get(0).record().getFirstOffset());
    }
}
