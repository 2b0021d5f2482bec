package io.kvr.exporter.plan;

import io.kvr.index.IndexedSegment;
import io.kvr.index.SegmentIndex;
import io.kvr.schemas.SegmentRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Plans an export from the index alone: reads the range's segment records from the index and feeds them to an
 * {@link ExportPlanBuilder}, which lays out the samples and the file header. No media byte is read here.
 *
 * <p>Segments are fetched from the index an hour at a time, so a 24 h export never holds all its segment records
 * at once; the first window is short so the file starts soon, and each later window is read while the one before
 * is planned.
 */
public final class ExportPlanner {
    private static final long WINDOW_MS = 3_600_000L;
    private static final long FIRST_WINDOW_MS = 300_000L;

    private final SegmentIndex index;
    private final InitSegments inits;
    /** Index reads run on virtual threads: they wait on the index, not on a core. */
    private final Executor fetches =
            task -> Thread.ofVirtual().name("export-index-read").start(task);

    public ExportPlanner(SegmentIndex index, InitSegments inits) {
        this.index = index;
        this.inits = inits;
    }

    public ExportPlan plan(ExportRange range) {
        return plan(range, start -> {});
    }

    /**
     * Plans {@code range}; {@code onStart} gets the file's first bytes (its {@code ftyp}) and start times as soon
     * as the first segment is planned, before the rest of a long range is read from the index: once it is called,
     * the only refusals left are a codec change later in the range and an index that stops answering.
     */
    public ExportPlan plan(ExportRange range, Consumer<ExportStart> onStart) {
        ExportPlanBuilder b = new ExportPlanBuilder(range, inits::get, onStart, false);
        scan(range, b::add);
        return b.finish();
    }

    /**
     * Checks that {@code range} can be exported (a known stream with recorded video in it) from its first
     * segments only, without planning the whole range; a codec change later in the range is not looked for.
     */
    public void check(ExportRange range) {
        ExportPlanBuilder b = new ExportPlanBuilder(range, inits::get, start -> {}, true);
        scan(range, b::add);
        if (!b.started()) {
            b.finish(); // refuses: no recording in the range
        }
    }

    /** Hands each segment of {@code range} to {@code wanted} once, in start order, until it answers false. */
    private void scan(ExportRange range, Predicate<SegmentRecord> wanted) {
        String id = range.stream().id();
        if (index.summary(id).isEmpty()) {
            throw new ExportRefusedException(404, "unknown stream " + id);
        }
        // a short first window starts the file soon; later windows are read while the one before is planned
        long w = range.startMs();
        long next = Math.min(range.endMs(), w + FIRST_WINDOW_MS);
        CompletableFuture<List<IndexedSegment>> fetched = fetch(id, w, next);
        Set<String> previousWindow = Set.of();
        boolean more = true;
        while (more) {
            List<IndexedSegment> segments = join(fetched);
            w = next;
            next = Math.min(range.endMs(), w + WINDOW_MS);
            fetched = w < range.endMs() ? fetch(id, w, next) : null;
            Set<String> thisWindow = new HashSet<>();
            for (IndexedSegment s : segments) {
                SegmentRecord r = s.segment();
                thisWindow.add(r.getObjectKey());
                // a segment overlapping two windows comes twice
                if (!previousWindow.contains(r.getObjectKey()) && more) {
                    more = wanted.test(r);
                }
            }
            previousWindow = thisWindow;
            if (fetched == null) {
                break;
            }
        }
        if (fetched != null) {
            fetched.cancel(true);
        }
    }

    private CompletableFuture<List<IndexedSegment>> fetch(String id, long from, long to) {
        return CompletableFuture.supplyAsync(() -> index.range(id, from, to), fetches);
    }

    private static List<IndexedSegment> join(CompletableFuture<List<IndexedSegment>> fetched) {
        try {
            return fetched.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re; // IndexUnavailableException and the like, as a direct call would throw them
            }
            throw e;
        }
    }
}
