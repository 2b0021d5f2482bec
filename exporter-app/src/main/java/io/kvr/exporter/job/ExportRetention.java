package io.kvr.exporter.job;

import io.kvr.runtime.storage.ObjectStore;
import io.kvr.schemas.ExportStatus;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes finished exports (file and status) once they are older than the retention; every instance sweeps,
 * which is harmless (removals are idempotent).
 */
public final class ExportRetention implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExportRetention.class);
    private final StatusBook book;
    private final JobLog jobs;
    private final ObjectStore store;
    private final Duration retention;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("export-retention").daemon().unstarted(r));

    public ExportRetention(StatusBook book, JobLog jobs, ObjectStore store, Duration retention) {
        this.book = book;
        this.jobs = jobs;
        this.store = store;
        this.retention = retention;
    }

    public ExportRetention start(Duration every) {
        timer.scheduleWithFixedDelay(this::sweep, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One pass; returns how many exports it removed. */
    public int sweep() {
        long cutoff = System.currentTimeMillis() - retention.toMillis();
        int removed = 0;
        for (ExportStatus s : book.all()) {
            boolean finished = s.getState().equals("done") || s.getState().equals("failed");
            if (finished && s.getUpdatedAtMs() < cutoff) {
                try {
                    JobRunner.objectKeys(s).forEach(store::remove);
                    jobs.remove(s.getId());
                    book.forget(s.getId());
                    removed++;
                } catch (RuntimeException e) {
                    log.warn("cannot remove expired export {}: {}", s.getId(), e.toString());
                }
            }
        }
        if (removed > 0) {
            log.info("removed {} exports older than {}", removed, retention);
        }
        return removed;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
