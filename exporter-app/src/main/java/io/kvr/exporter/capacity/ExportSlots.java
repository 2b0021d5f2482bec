package io.kvr.exporter.capacity;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The exports one exporter instance runs at once ({@code exporter.concurrent.max}): a direct download and a job
 * each hold a slot while they read and write. A download that finds none free is refused at once (its client
 * retries); a job waits for one in its turn, and downloads that come after it do not overtake it. Gauges
 * {@code exporter.concurrent.max}, {@code exporter.concurrent.active} and {@code exporter.concurrent.waiting}.
 */
public final class ExportSlots {
    private final int max;
    private final Semaphore free;

    public ExportSlots(int max, MeterRegistry metrics) {
        if (max < 1) {
            throw new IllegalArgumentException("at least one export slot");
        }
        this.max = max;
        this.free = new Semaphore(max, true);
        Gauge.builder("exporter.concurrent.max", this, ExportSlots::max)
                .strongReference(true)
                .description("exports (direct downloads and jobs) one instance runs at once at most")
                .register(metrics);
        Gauge.builder("exporter.concurrent.active", this, ExportSlots::active)
                .strongReference(true)
                .description("exports (direct downloads and jobs) running now")
                .register(metrics);
        Gauge.builder("exporter.concurrent.waiting", this, ExportSlots::waiting)
                .strongReference(true)
                .description("export jobs waiting for a free slot")
                .register(metrics);
    }

    /** A slot now, or empty when every slot is taken (or a job is waiting for the next one). */
    public Optional<Slot> tryTake() {
        try {
            // the timed form honours fairness, unlike tryAcquire(): a waiting job gets the next free slot
            return free.tryAcquire(0, TimeUnit.NANOSECONDS) ? Optional.of(new Slot()) : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** A slot as soon as one is free within {@code timeout}; empty when none was. */
    public Optional<Slot> take(Duration timeout) throws InterruptedException {
        return free.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS) ? Optional.of(new Slot()) : Optional.empty();
    }

    public int max() {
        return max;
    }

    /** Slots taken now. */
    public int active() {
        return max - free.availablePermits();
    }

    /** Callers waiting for a slot now (jobs). */
    public int waiting() {
        return free.getQueueLength();
    }

    /** One taken slot; closing gives it back, once however often it is closed. */
    public final class Slot implements AutoCloseable {
        private final AtomicBoolean held = new AtomicBoolean(true);

        private Slot() {}

        @Override
        public void close() {
            if (held.compareAndSet(true, false)) {
                free.release();
            }
        }
    }
}
