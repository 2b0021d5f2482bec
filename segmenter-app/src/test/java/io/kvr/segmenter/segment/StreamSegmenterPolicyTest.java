package io.kvr.segmenter.segment;

import static io.kvr.segmenter.segment.FakeCamera.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.index.Timeline;
import io.kvr.policy.EffectivePolicy;
import io.kvr.runtime.stream.StreamName;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A recording policy steers the cutting live: on/off, target duration, key prefix (25 fps, keyframe every second). */
class StreamSegmenterPolicyTest {
    private static final String S1 = FakeCamera.sessionId(1);

    private final AtomicReference<EffectivePolicy> policy =
            new AtomicReference<>(new EffectivePolicy(true, 2000, 0, ""));
    private final StreamSegmenterHarness harness =
            new StreamSegmenterHarness(new StreamSegmenter(StreamName.parse("live/door"), 3, "kvr", policy::get));

    private List<ClosedSegment> feed(FakeCamera camera, long fromOffset, long toOffset) {
        List<ClosedSegment> out = new ArrayList<>();
        for (FakeCamera.Fed f : camera.records()) {
            if (f.offset() >= fromOffset && f.offset() < toOffset) {
                harness.feed(f).ifPresent(out::add);
            }
        }
        return out;
    }

    private void set(EffectivePolicy p) {
        policy.set(p);
        assertThat(harness.segmenter().refreshPolicy()).isTrue();
    }

    @Test
    void recordingOffEndsTheOpenSegmentAtItsCutMarksItAndRecordsNothingUntilOnAgain() {
        // StreamInfo at offset 0, frame i at offset 1 + i
        FakeCamera camera = new FakeCamera(0).session(S1, T0).frames(0, 400);
        List<ClosedSegment> before = feed(camera, 0, 1 + 60); // segments [0,50) closed; [50,..) open
        assertThat(before).hasSize(1);
        assertThat(before.get(0).record().getRecordingStopReason()).isNull();

        set(new EffectivePolicy(false, 2000, 0, ""));
        List<ClosedSegment> whileOff = feed(camera, 1 + 60, 1 + 250);
        assertThat(whileOff)
                .as("only the open segment, closed at its normal cut")
                .hasSize(1);
        ClosedSegment last = whileOff.get(0);
        assertThat(last.record().getStartTimeMs()).isEqualTo(T0 + 2000);
        assertThat(last.record().getDurationMs()).isEqualTo(2000);
        assertThat(last.record().getRecordingStopReason()).isEqualTo(Timeline.RECORDING_DISABLED);
        assertThat(harness.segmenter().hasOpenSegment()).isFalse();
        assertThat(harness.segmenter().notRecorded()).isEqualTo(250 - 100);
        assertThat(harness.segmenter().resumeOffset())
                .as("commits move on while nothing is recorded")
                .isEqualTo(1 + 250);

        set(new EffectivePolicy(true, 2000, 0, ""));
        List<ClosedSegment> after = feed(camera, 1 + 250, 1 + 400); // frame 250 is a keyframe
        assertThat(after).isNotEmpty();
        assertThat(after.get(0).record().getStartTimeMs())
                .as("resumes at the next keyframe")
                .isEqualTo(T0 + 10_000);
        assertThat(after)
                .allSatisfy(c -> assertThat(c.record().getRecordingStopReason()).isNull());
    }

    @Test
    void aNewTargetDurationAppliesToTheOpenSegmentsCutAndANewPrefixToTheNextSegment() {
        FakeCamera camera = new FakeCamera(0).session(S1, T0).frames(0, 400);
        List<ClosedSegment> first = feed(camera, 0, 1 + 60);
        assertThat(first).extracting(c -> c.record().getDurationMs()).containsExactly(2000L);

        set(new EffectivePolicy(true, 5000, 0, "archive/site-a/"));
        List<ClosedSegment> later = feed(camera, 1 + 60, 1 + 400);
        assertThat(later).extracting(c -> c.record().getDurationMs()).containsExactly(5000L, 5000L);
        assertThat(later).allSatisfy(c -> {
            assertThat(c.record().getObjectKey()).startsWith("archive/site-a/live/door/2023/11/14/22/");
            assertThat(c.record().getInitKey()).startsWith("archive/site-a/live/door/init/");
        });
    }

    @Test
    void startingWithRecordingOffRecordsNothing() {
        policy.set(new EffectivePolicy(false, 2000, 0, ""));
        StreamSegmenterHarness off =
                new StreamSegmenterHarness(new StreamSegmenter(StreamName.parse("live/door"), 3, "kvr", policy::get));
        FakeCamera camera = new FakeCamera(0).session(S1, T0).frames(0, 200);
        assertThat(off.feed(camera.records())).isEmpty();
        assertThat(off.segmenter().flush()).isEmpty();
        assertThat(off.segmenter().notRecorded()).isEqualTo(200);
    }
}
