package io.kvr.exporter.plan;

import static io.kvr.exporter.plan.RecordedSessions.FRAME;
import static io.kvr.exporter.plan.RecordedSessions.FRAMES_PER_SEGMENT;
import static io.kvr.exporter.plan.RecordedSessions.MDAT_PAYLOAD_AT;
import static io.kvr.exporter.plan.RecordedSessions.PPS_1080P;
import static io.kvr.exporter.plan.RecordedSessions.PPS_640X360;
import static io.kvr.exporter.plan.RecordedSessions.SAMPLE_BYTES;
import static io.kvr.exporter.plan.RecordedSessions.SPS_1080P;
import static io.kvr.exporter.plan.RecordedSessions.SPS_640X360;
import static io.kvr.exporter.plan.RecordedSessions.STREAM;
import static io.kvr.exporter.plan.RecordedSessions.T0;
import static io.kvr.exporter.plan.RecordedSessions.stts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.media.mp4.InitSegment;
import io.kvr.schemas.SegmentRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The export plan from segment records alone, fed straight to the builder (no index): where each session's frames
 * land on the file's timeline, what is read from which object, and when a range is refused.
 */
class ExportPlanBuilderTest {
    private final RecordedSessions recorded = new RecordedSessions();
    private final List<String> initsAsked = new ArrayList<>();

    @Test
    void oneSessionIsItsFramesInOrderReadSegmentBySegment() {
        recorded.session("a", T0, 0, 3, SPS_640X360, PPS_640X360);

        ExportPlan plan = plan(new ExportRange(STREAM, T0, T0 + 6000, true));

        assertThat(plan.firstFrameMs()).isEqualTo(T0);
        assertThat(plan.durationMs()).isEqualTo(6000);
        assertThat(plan.segments()).isEqualTo(3);
        assertThat(plan.reads()).extracting(MediaRead::key).containsExactly("seg/a/0", "seg/a/1", "seg/a/2");
        assertThat(plan.reads()).allSatisfy(r -> {
            assertThat(r.objectOffset()).isEqualTo(MDAT_PAYLOAD_AT);
            assertThat(r.length()).isEqualTo((long) FRAMES_PER_SEGMENT * SAMPLE_BYTES);
        });
        assertThat(plan.size()).isEqualTo(plan.header().length + 3L * FRAMES_PER_SEGMENT * SAMPLE_BYTES);
        assertThat(stts(plan)).containsExactly(new long[] {150, FRAME});
        assertThat(initsAsked).as("one init segment, asked once").containsExactly("init/a");
    }

    @Test
    void aStartBetweenKeyframesBeginsAtTheKeyframeBefore() {
        recorded.session("a", T0, 0, 3, SPS_640X360, PPS_640X360);

        ExportPlan plan = plan(new ExportRange(STREAM, T0 + 1500, T0 + 4000, true));

        assertThat(plan.firstFrameMs()).as("the keyframe of frame 25").isEqualTo(T0 + 1000);
        assertThat(plan.durationMs()).as("shown: start to end").isEqualTo(2500);
        MediaRead first = plan.reads().get(0);
        assertThat(first.key()).isEqualTo("seg/a/0");
        assertThat(first.objectOffset()).isEqualTo(MDAT_PAYLOAD_AT + 25L * SAMPLE_BYTES);
    }

    @Test
    void aGapBetweenSessionsKeepsItsLength() {
        recorded.session("a", T0, 0, 2, SPS_640X360, PPS_640X360);
        // the next connection: 1230 ms after the last frame of "a" ended, its own media clock
        recorded.session("b", T0 + 4000 + 1230, 987_654_321L, 2, SPS_640X360, PPS_640X360);

        ExportPlan plan = plan(new ExportRange(STREAM, T0, T0 + 4000 + 1230 + 4000, true));

        // the last frame of "a" lasts until "b" begins: the picture holds, nothing is squeezed out
        assertThat(stts(plan))
                .containsExactly(new long[] {99, FRAME}, new long[] {1, FRAME + 1230 * 90}, new long[] {100, FRAME});
        assertThat(plan.durationMs()).isEqualTo(9230);
    }

    @Test
    void overlappingSessionsFollowEachOtherWithoutShortFrames() {
        recorded.session("a", T0, 0, 2, SPS_640X360, PPS_640X360);
        // a camera moved between bridges: the new connection started before the old one stopped
        recorded.session("b", T0 + 3000, 5_000_000L, 2, SPS_640X360, PPS_640X360);

        ExportPlan plan = plan(new ExportRange(STREAM, T0, T0 + 7000, true));

        List<long[]> stts = stts(plan);
        assertThat(stts)
                .allSatisfy(e -> assertThat(e[1]).as("a frame's duration").isGreaterThanOrEqualTo(FRAME));
        assertThat(stts.stream().mapToLong(e -> e[0]).sum())
                .as("every frame of both, once")
                .isEqualTo(200);
    }

    @Test
    void aCodecChangeIsRefusedWithTheTimeOfTheChange() {
        recorded.session("a", T0, 0, 2, SPS_640X360, PPS_640X360);
        recorded.session("b", T0 + 4000, 0, 2, SPS_1080P, PPS_1080P);

        assertThatThrownBy(() -> plan(new ExportRange(STREAM, T0, T0 + 8000, true)))
                .isInstanceOfSatisfying(ExportRefusedException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.codecChangeAtMs()).isEqualTo(T0 + 4000);
                    assertThat(e.getMessage()).contains("codec configuration");
                });
        // what a job does with it: the parts before and after plan on their own
        assertThat(plan(new ExportRange(STREAM, T0, T0 + 4000, true)).segments())
                .isEqualTo(2);
        assertThat(plan(new ExportRange(STREAM, T0 + 4000, T0 + 8000, true)).segments())
                .isEqualTo(2);
    }

    @Test
    void aRangeWithoutRecordedVideoIs404() {
        ExportPlanBuilder b =
                new ExportPlanBuilder(new ExportRange(STREAM, T0, T0 + 1000, true), this::init, start -> {}, false);

        assertThat(b.started()).isFalse();
        assertThatThrownBy(b::finish)
                .isInstanceOfSatisfying(
                        ExportRefusedException.class,
                        e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void noMoreSegmentsAreWantedOnceTheRangeEnds() {
        recorded.session("a", T0, 0, 4, SPS_640X360, PPS_640X360);
        List<SegmentRecord> all = recorded.records();
        ExportPlanBuilder b =
                new ExportPlanBuilder(new ExportRange(STREAM, T0, T0 + 4000, true), this::init, start -> {}, false);

        assertThat(b.add(all.get(0))).isTrue();
        assertThat(b.add(all.get(1))).isTrue();
        assertThat(b.add(all.get(2))).as("the segment that starts at the end").isFalse();
        assertThat(b.finish().segments()).isEqualTo(2);
    }

    @Test
    void aCheckStopsAtTheFirstSegmentAndAnnouncesTheStart() {
        recorded.session("a", T0, 0, 3, SPS_640X360, PPS_640X360);
        List<ExportStart> starts = new ArrayList<>();
        ExportPlanBuilder b = new ExportPlanBuilder(
                new ExportRange(STREAM, T0 + 1500, T0 + 6000, true), this::init, starts::add, true);

        assertThat(b.add(recorded.records().get(0))).isFalse();
        assertThat(b.started()).isTrue();
        assertThat(starts).singleElement().satisfies(s -> {
            assertThat(s.firstFrameMs()).isEqualTo(T0 + 1000);
            assertThat(s.startMs()).isEqualTo(T0 + 1500);
        });
    }

    /** The plan of {@code range} from the recorded segments that overlap it, as the index would hand them out. */
    private ExportPlan plan(ExportRange range) {
        ExportPlanBuilder b = new ExportPlanBuilder(range, this::init, start -> {}, false);
        for (SegmentRecord r : recorded.records()) {
            if (r.getEndTimeMs() > range.startMs() && r.getStartTimeMs() < range.endMs() && !b.add(r)) {
                break;
            }
        }
        return b.finish();
    }

    private InitSegment init(String key) {
        initsAsked.add(key);
        return InitSegment.parse(recorded.init(key));
    }
}
