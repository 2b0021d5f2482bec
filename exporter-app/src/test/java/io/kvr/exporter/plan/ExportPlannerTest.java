package io.kvr.exporter.plan;

import static io.kvr.exporter.plan.RecordedSessions.FRAME;
import static io.kvr.exporter.plan.RecordedSessions.FRAMES_PER_SEGMENT;
import static io.kvr.exporter.plan.RecordedSessions.PPS_1080P;
import static io.kvr.exporter.plan.RecordedSessions.PPS_640X360;
import static io.kvr.exporter.plan.RecordedSessions.SPS_1080P;
import static io.kvr.exporter.plan.RecordedSessions.SPS_640X360;
import static io.kvr.exporter.plan.RecordedSessions.STREAM;
import static io.kvr.exporter.plan.RecordedSessions.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.index.IndexedSegment;
import io.kvr.index.SegmentIndex;
import io.kvr.index.StreamSummary;
import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.SegmentRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The export plan read from an index in memory: unknown streams, the index read in windows while the file starts
 * early, and a job's check from its first segment. Where the samples land is {@link ExportPlanBuilderTest}'s.
 */
class ExportPlannerTest {
    private final RecordedSessions recorded = new RecordedSessions();
    private final List<SegmentRecord> records = recorded.records();
    private final java.util.concurrent.atomic.AtomicInteger rangeQueries =
            new java.util.concurrent.atomic.AtomicInteger();
    private final ExportPlanner planner = new ExportPlanner(new MemoryIndex(), new InitSegments(recorded::init));

    @Test
    void unknownStreamsAndRangesWithoutRecordingAre404() {
        recorded.session("a", T0, 0, 1, SPS_640X360, PPS_640X360);

        assertThatThrownBy(() -> planner.plan(new ExportRange(StreamName.parse("site/other"), T0, T0 + 1000, true)))
                .isInstanceOfSatisfying(
                        ExportRefusedException.class,
                        e -> assertThat(e.status()).isEqualTo(404));
        assertThatThrownBy(() -> planner.plan(new ExportRange(STREAM, T0 + 60_000, T0 + 61_000, true)))
                .isInstanceOfSatisfying(
                        ExportRefusedException.class,
                        e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void aLongFileStartsBeforeItsWholeRangeIsReadWithTheHeadersFirstBytes() {
        recorded.session("a", T0, 0, 3600, SPS_640X360, PPS_640X360); // two hours

        for (ExportFormat format : ExportFormat.values()) {
            rangeQueries.set(0);
            List<ExportStart> starts = new ArrayList<>();
            List<Integer> queriesAtStart = new ArrayList<>();
            ExportPlan plan = planner.plan(new ExportRange(STREAM, T0 + 1500, T0 + 7_200_000, true, format), start -> {
                starts.add(start);
                queriesAtStart.add(rangeQueries.get());
            });

            assertThat(starts).hasSize(1);
            ExportStart start = starts.get(0);
            assertThat(queriesAtStart.get(0))
                    .as("index reads when the file could start (the first window, the next" + " one read ahead)")
                    .isLessThanOrEqualTo(2);
            assertThat(rangeQueries.get()).as("index reads for the whole plan").isGreaterThan(2);
            assertThat(start.firstFrameMs()).isEqualTo(plan.firstFrameMs()).isEqualTo(T0 + 1000);
            assertThat(start.startMs()).isEqualTo(plan.startMs()).isEqualTo(T0 + 1500);
            assertThat(start.fileType())
                    .as("the ftyp the " + format + " header begins with")
                    .isEqualTo(java.util.Arrays.copyOf(plan.header(), start.fileType().length));
            assertThat(new String(start.fileType(), 4, 4, StandardCharsets.US_ASCII))
                    .isEqualTo("ftyp");
        }
    }

    @Test
    void aSegmentInTwoIndexWindowsIsPlannedOnce() {
        recorded.session("a", T0, 0, 3600, SPS_640X360, PPS_640X360); // two hours

        // the first window ends at T0 + 301 s, inside the segment from T0 + 300 s
        ExportPlan plan = planner.plan(new ExportRange(STREAM, T0 + 1000, T0 + 7_200_000, true));

        assertThat(plan.segments()).isEqualTo(3600);
        assertThat(RecordedSessions.stts(plan)).containsExactly(new long[] {3600L * FRAMES_PER_SEGMENT - 25, FRAME});
    }

    @Test
    void aJobsRangeIsCheckedFromItsFirstSegmentOnly() {
        recorded.session("a", T0, 0, 2, SPS_640X360, PPS_640X360);
        recorded.session("b", T0 + 4000, 0, 2, SPS_1080P, PPS_1080P);

        // the codec change later in the range is the job's to split, not a reason to refuse it
        planner.check(new ExportRange(STREAM, T0, T0 + 8000, true));
        assertThatThrownBy(() -> planner.check(new ExportRange(StreamName.parse("site/other"), T0, T0 + 1000, true)))
                .isInstanceOfSatisfying(
                        ExportRefusedException.class,
                        e -> assertThat(e.status()).isEqualTo(404));
        assertThatThrownBy(() -> planner.check(new ExportRange(STREAM, T0 + 60_000, T0 + 61_000, true)))
                .isInstanceOfSatisfying(
                        ExportRefusedException.class,
                        e -> assertThat(e.status()).isEqualTo(404));
    }

    /** The index over {@link #records}, as the indexer answers it: segments overlapping a range, oldest first. */
    private final class MemoryIndex implements SegmentIndex {
        @Override
        public List<StreamSummary> streams() {
            if (records.isEmpty()) {
                return List.of();
            }
            SegmentRecord first = records.get(0);
            SegmentRecord last = records.get(records.size() - 1);
            return List.of(new StreamSummary(
                    STREAM.id(),
                    first.getStartTimeMs(),
                    last.getEndTimeMs(),
                    records.size(),
                    last.getCodecs(),
                    640,
                    360,
                    last.getIngestSessionId()));
        }

        @Override
        public List<IndexedSegment> latest(String streamId, int limit) {
            List<IndexedSegment> all = range(streamId, Long.MIN_VALUE, Long.MAX_VALUE);
            return all.subList(Math.max(0, all.size() - limit), all.size());
        }

        @Override
        public List<IndexedSegment> range(String streamId, long startMs, long endMs) {
            rangeQueries.incrementAndGet();
            List<IndexedSegment> out = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                SegmentRecord r = records.get(i);
                if (r.getStreamId().equals(streamId) && r.getEndTimeMs() > startMs && r.getStartTimeMs() < endMs) {
                    out.add(new IndexedSegment(i, 0, r));
                }
            }
            return out;
        }
    }
}
