package io.kvr.segmenter.storage;

import io.kvr.runtime.storage.ObjectStore;
import io.kvr.runtime.storage.StorageException;
import io.kvr.segmenter.segment.ClosedSegment;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores a segment's init object (once per configuration) and then its media object, retrying with backoff
 * (200 ms doubling to 10 s) for as long as the segmenter runs: while storage is down the units wait in Kafka.
 */
public final class SegmentStore {
    private static final Logger log = LoggerFactory.getLogger(SegmentStore.class);
    private static final long MIN_BACKOFF_MS = 200;
    private static final long MAX_BACKOFF_MS = 10_000;

    private final ObjectStore store;
    /**
     * An init segment not used for this long is stored again before its next segment: retention deletes an init
     * once no indexed segment refers to it, which can happen while recording of its session was paused by a
     * policy for longer than the retention period (at least 30 s, so well above this).
     */
    private static final long INIT_REFRESH_NANOS = 10_000_000_000L;

    /**
     * Init keys stored by this process and when a segment last used them; a replay after restart stores them
     * again (same bytes, same key).
     */
    private final Map<String, Long> storedInits = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > 10_000;
        }
    };

    public SegmentStore(ObjectStore store) {
        this.store = store;
    }

    /** Returns false only when {@code running} turned false before the segment could be stored. */
    public boolean store(ClosedSegment segment, BooleanSupplier running) throws InterruptedException {
        Long lastUsed = storedInits.get(segment.initKey());
        if (lastUsed == null || System.nanoTime() - lastUsed > INIT_REFRESH_NANOS) {
            if (!retry(() -> store.put(segment.initKey(), segment.init(), "video/mp4"), segment.initKey(), running)) {
                return false;
            }
            // rare (once per configuration and process, and after a pause): names when each init was written
            log.info(
                    "stored init {} ({} bytes) before segment {}",
                    segment.initKey(),
                    segment.init().length,
                    segment.objectKey());
        }
        storedInits.put(segment.initKey(), System.nanoTime());
        return retry(
                () -> store.put(segment.objectKey(), segment.bytes(), "video/iso.segment"),
                segment.objectKey(),
                running);
    }

    private static boolean retry(Runnable put, String key, BooleanSupplier running) throws InterruptedException {
        long backoff = MIN_BACKOFF_MS;
        int failures = 0;
        while (running.getAsBoolean()) {
            try {
                put.run();
                if (failures > 0) {
                    log.info("stored {} after {} failed attempts", key, failures);
                }
                return true;
            } catch (StorageException e) {
                failures++;
                // one line per attempt would flood the log during a long outage: log the first and then every 10th
                if (failures == 1 || failures % 10 == 0) {
                    log.warn("cannot store {} (attempt {}), retrying: {}", key, failures, e.getMessage());
                }
                Thread.sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
        return false;
    }
}
