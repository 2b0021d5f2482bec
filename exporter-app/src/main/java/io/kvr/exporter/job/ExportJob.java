package io.kvr.exporter.job;

import io.kvr.exporter.plan.ExportFormat;
import io.kvr.exporter.plan.ExportPlan;
import io.kvr.exporter.plan.ExportPlanner;
import io.kvr.exporter.plan.ExportRange;
import io.kvr.exporter.plan.ExportRefusedException;
import io.kvr.exporter.write.ExportWriter;
import io.kvr.runtime.storage.ObjectStore;
import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.ExportPart;
import io.kvr.schemas.ExportRequest;
import io.kvr.schemas.ExportStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one export job: plans the range (one file per codec configuration: a range that crosses a change is split
 * there), streams each file into object storage as it is written, and reports progress and the end state to the
 * status topic and the status book. Waits for an index that is restoring rather than failing the job.
 */
final class ExportJob {
    private static final Logger log = LoggerFactory.getLogger(ExportJob.class);
    private static final long PART_SIZE = 16L << 20;
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);

    private final JobLog jobs;
    private final StatusBook book;
    private final ExportPlanner planner;
    private final ExportWriter writer;
    private final ObjectStore store;
    private final String exportsPrefix;
    private final BooleanSupplier stopping;
    private final AtomicInteger running;
    private final Counter done;
    private final Counter failed;
    private final Counter bytes;

    ExportJob(
            JobLog jobs,
            StatusBook book,
            ExportPlanner planner,
            ExportWriter writer,
            ObjectStore store,
            String exportsPrefix,
            MeterRegistry metrics,
            BooleanSupplier stopping) {
        this.jobs = jobs;
        this.book = book;
        this.planner = planner;
        this.writer = writer;
        this.store = store;
        this.exportsPrefix = exportsPrefix;
        this.stopping = stopping;
        this.running = metrics.gauge("exporter.jobs.running", new AtomicInteger());
        this.done = metrics.counter("exporter.jobs", "result", "done");
        this.failed = metrics.counter("exporter.jobs", "result", "failed");
        this.bytes = metrics.counter("exporter.bytes", "kind", "job");
    }

    /** Runs the job of {@code request}, whose status is {@code queued}; returns its end status. */
    ExportStatus run(ExportRequest request, ExportStatus queued) {
        running.incrementAndGet();
        String key = JobRunner.objectKey(exportsPrefix, request.getId());
        long started = System.nanoTime();
        try {
            publish(copy(queued).setState("running").setProgress(0).build());
            StreamName stream = StreamName.parse(request.getStreamId());
            long start = request.getStartTimeMs();
            long end = request.getEndTimeMs();
            ExportFormat format = ExportFormat.parse(request.getFormat());
            // one file per codec configuration: a range that crosses a change is split there
            List<ExportPart> parts = new ArrayList<>();
            for (long from = start; from < end; ) {
                long to = end;
                ExportPlan plan;
                try {
                    plan = planWhenIndexAnswers(new ExportRange(stream, from, to, request.getPrecise(), format));
                } catch (ExportRefusedException e) {
                    if (e.codecChangeAtMs() <= from || e.codecChangeAtMs() >= end) {
                        throw e;
                    }
                    to = e.codecChangeAtMs();
                    plan = planWhenIndexAnswers(new ExportRange(stream, from, to, request.getPrecise(), format));
                }
                String partKey =
                        parts.isEmpty() ? key : JobRunner.partKey(exportsPrefix, request.getId(), parts.size());
                int basePercent = (int) ((from - start) * 100 / (end - start));
                int spanPercent = (int) ((to - from) * 100 / (end - start));
                upload(plan, partKey, queued, basePercent, spanPercent);
                parts.add(new ExportPart(from, to, plan.size(), plan.durationMs(), partKey));
                from = to;
            }
            if (book.forgotten(request.getId()) || book.get(request.getId()).isEmpty()) {
                parts.forEach(p -> store.remove(p.getObjectKey())); // deleted while it ran
                return queued;
            }
            ExportPart first = parts.get(0);
            ExportStatus finished = copy(queued)
                    .setState("done")
                    .setProgress(100)
                    .setBytes(first.getBytes())
                    .setDurationMs(first.getDurationMs())
                    .setObjectKey(key)
                    .setParts(parts)
                    .setReason(null)
                    .build();
            publish(finished);
            done.increment();
            long total = parts.stream().mapToLong(ExportPart::getBytes).sum();
            bytes.increment(total);
            log.info(
                    "export {} of {} {}..{} done: {} bytes in {} file(s) in {} ms",
                    request.getId(),
                    request.getStreamId(),
                    start,
                    end,
                    total,
                    parts.size(),
                    (System.nanoTime() - started) / 1_000_000);
            return finished;
        } catch (ExportRefusedException e) {
            return fail(queued, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("export {} of {} failed: {}", request.getId(), request.getStreamId(), e.toString());
            return fail(queued, "export failed: " + e.getMessage());
        } finally {
            running.decrementAndGet();
        }
    }

    /** Plans; waits for an index that is restoring or unreachable (a restart) rather than failing the job. */
    private ExportPlan planWhenIndexAnswers(ExportRange range) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            try {
                return planner.plan(range);
            } catch (io.kvr.index.IndexUnavailableException e) {
                if (System.nanoTime() > deadline || stopping.getAsBoolean()) {
                    throw e;
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private ExportStatus fail(ExportStatus queued, String reason) {
        failed.increment();
        ExportStatus s = copy(queued).setState("failed").setReason(reason).build();
        publish(s);
        return s;
    }

    /**
     * Streams one file of the export into object storage as it is written: no temporary file (see
     * {@link ObjectStore#put}). Progress is the file's share of the range, {@code spanPercent} from {@code basePercent}.
     */
    private void upload(ExportPlan plan, String key, ExportStatus queued, int basePercent, int spanPercent) {
        long[] lastReport = {System.nanoTime()};
        store.put(
                key,
                plan.size(),
                "video/mp4",
                PART_SIZE,
                out -> writer.write(plan, 0, plan.size(), out, n -> {
                    long now = System.nanoTime();
                    if (now - lastReport[0] >= PROGRESS_EVERY.toNanos()) {
                        lastReport[0] = now;
                        int percent = basePercent + (int) (n * spanPercent / Math.max(1, plan.size()));
                        publish(copy(queued)
                                .setState("running")
                                .setBytes(plan.size())
                                .setProgress(Math.min(99, percent))
                                .build());
                    }
                }));
    }

    private void publish(ExportStatus status) {
        ExportStatus stamped = ExportStatus.newBuilder(status)
                .setUpdatedAtMs(System.currentTimeMillis())
                .build();
        if (book.forgotten(status.getId())) {
            return;
        }
        jobs.status(stamped);
        book.put(stamped);
    }

    private static ExportStatus.Builder copy(ExportStatus s) {
        return ExportStatus.newBuilder(s);
    }
}
