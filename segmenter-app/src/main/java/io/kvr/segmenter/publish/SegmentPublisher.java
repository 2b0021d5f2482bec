package io.kvr.segmenter.publish;

import io.kvr.schemas.SegmentRecord;
import io.kvr.segmenter.segment.ClosedSegment;
import io.kvr.segmenter.storage.SegmentStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a closed segment visible: its init and media objects stored ({@link SegmentStore}), then its record
 * announced ({@link SegmentAnnouncer}), in that order, so an announced segment is always readable. Counts what it
 * publishes and how long publishing took, which the loop subtracts from its reading clock.
 */
public final class SegmentPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SegmentPublisher.class);

    private final SegmentStore store;
    private final SegmentAnnouncer announcer;
    private final Counter segmentsStored;
    private final Counter bytesStored;
    private final Timer visibleLatency;
    private long publishingNanos;

    public SegmentPublisher(SegmentStore store, SegmentAnnouncer announcer, MeterRegistry metrics) {
        this.store = store;
        this.announcer = announcer;
        this.segmentsStored = metrics.counter("kvr_segmenter_segments");
        this.bytesStored = metrics.counter("kvr_segmenter_bytes");
        this.visibleLatency = Timer.builder("kvr_segmenter_store_latency")
                .description("closing unit read to segment announced")
                .publishPercentiles(0.5, 0.99)
                .register(metrics);
    }

    /**
     * Stores and then announces {@code segment}. Returns false, with nothing announced, when {@code running}
     * turned false while storage was being retried.
     */
    public boolean publish(ClosedSegment segment, BooleanSupplier running) throws InterruptedException {
        long started = System.nanoTime();
        try {
            if (!store.store(segment, running)) {
                return false;
            }
            SegmentRecord record = SegmentRecord.newBuilder(segment.record())
                    .setAnnouncedAtMs(System.currentTimeMillis())
                    .build();
            announcer.announce(record);
            segmentsStored.increment();
            bytesStored.increment(segment.bytes().length);
            visibleLatency.record(Duration.ofNanos(System.nanoTime() - started));
            log.debug(
                    "stored {} ({} bytes, {} ms)", segment.objectKey(), segment.bytes().length, record.getDurationMs());
            return true;
        } finally {
            publishingNanos += System.nanoTime() - started;
        }
    }

    /** Total time spent publishing, storage retries included. */
    public long publishingNanos() {
        return publishingNanos;
    }

    @Override
    public void close() {
        announcer.close();
    }
}
