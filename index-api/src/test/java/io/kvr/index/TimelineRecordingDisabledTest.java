package io.kvr.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.schemas.SegmentRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Time after a segment the segmenter marked as the last before recording was switched off. */
class TimelineRecordingDisabledTest {
    private static IndexedSegment segment(String init, long start, String stopReason) {
        SegmentRecord r = SegmentRecord.newBuilder()
                .setStreamId("live/cam")
                .setIngestSessionId("s1")
                .setSequence(start)
                .setStartTimeMs(start)
                .setEndTimeMs(start + 2000)
                .setDurationMs(2000)
                .setMediaStartTime(0)
                .setMediaDuration(180_000)
                .setTimescale(90000)
                .setByteSize(1)
                .setBucket("b")
                .setObjectKey("k" + start)
                .setInitKey(init)
                .setCodecs("avc1.42c01e")
                .setMoofOffset(0)
                .setMoofSize(0)
                .setMdatOffset(0)
                .setMdatSize(0)
                .setRecordingStopReason(stopReason)
                .build();
        return new IndexedSegment(0, 0, r);
    }

    @Test
    void theTimeUntilRecordingResumesIsAGapRecordingDisabled() {
        var result = Timeline.of(
                List.of(
                        segment("a/init/s1-x.mp4", 10_000, null),
                        segment("a/init/s1-x.mp4", 12_000, Timeline.RECORDING_DISABLED),
                        segment("a/init/s1-x.mp4", 30_000, null)),
                10_000,
                32_000);
        assertThat(result.gaps()).containsExactly(new Timeline.Gap(14_000, 30_000, 16_000, "recording disabled"));
        assertThat(result.spans())
                .containsExactly(
                        new Timeline.Span(10_000, 14_000, 4_000, 2), new Timeline.Span(30_000, 32_000, 2_000, 1));
    }

    @Test
    void whileRecordingIsOffTheTimeAfterTheLastSegmentIsRecordingDisabled() {
        var result = Timeline.of(List.of(segment("i", 10_000, Timeline.RECORDING_DISABLED)), 10_000, 20_000);
        assertThat(result.gaps()).containsExactly(new Timeline.Gap(12_000, 20_000, 8_000, "recording disabled"));
    }

    @Test
    void switchedOffAndOnWithinASegmentLeavesNoGap() {
        var result = Timeline.of(
                List.of(segment("i", 10_000, Timeline.RECORDING_DISABLED), segment("i", 12_000, null)), 10_000, 14_000);
        assertThat(result.gaps()).isEmpty();
        assertThat(result.spans()).hasSize(1);
    }

    @Test
    void aStoragePrefixChangeAloneIsNoCodecChange() {
        var result = Timeline.of(
                List.of(
                        segment("live/cam/init/s1-x.mp4", 10_000, null),
                        segment("archive/live/cam/init/s1-x.mp4", 12_000, null)),
                10_000,
                14_000);
        assertThat(result.spans()).hasSize(1);
    }
}
