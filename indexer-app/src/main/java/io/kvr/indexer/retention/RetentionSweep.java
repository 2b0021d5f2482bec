package io.kvr.indexer.retention;

import io.kvr.indexer.store.IndexedValue;
import io.kvr.indexer.store.SegmentKeys;
import io.kvr.indexer.store.StreamState;
import io.kvr.schemas.SegmentRecord;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the segments of this task's streams whose end lies further back than their retention period: first the
 * objects (media segments, then init segments no remaining segment of the stream refers to), then the index
 * entries (deletes in the stores, so tombstones in their changelogs). Everything it needs is in the stores, so a
 * sweep after a crash or restart just finds what is still to delete; deleting an object twice is harmless. When
 * storage fails, the stream's entries stay and the next sweep tries again.
 *
 * <p>Runs on the stream thread (a wall-clock punctuation), so it never races the indexing of new segments; each
 * run does at most {@value #MAX_DELETIONS} deletions to keep the thread polling.
 */
public final class RetentionSweep {
    private static final Logger log = LoggerFactory.getLogger(RetentionSweep.class);
    static final int MAX_DELETIONS = 500;
    /** How far past the expired segments to look for other users of their init segments. */
    private static final int INIT_SCAN_LIMIT = 100_000;

    private final KeyValueStore<Bytes, byte[]> segments;
    private final KeyValueStore<String, byte[]> streams;
    private final Retention retention;
    private final IndexedValue values = new IndexedValue();
    private final Counter deletedSegments;
    private final Counter deletedBytes;
    private final Counter deletedInits;
    private final Counter failures;

    public RetentionSweep(
            KeyValueStore<Bytes, byte[]> segments, KeyValueStore<String, byte[]> streams, Retention retention) {
        this.segments = segments;
        this.streams = streams;
        this.retention = retention;
        this.deletedSegments = Counter.builder("kvr_indexer_retention_deleted_segments")
                .description("segments deleted by retention (objects and index entries)")
                .register(retention.metrics());
        this.deletedBytes = Counter.builder("kvr_indexer_retention_deleted_bytes")
                .description("bytes of media segments deleted by retention")
                .baseUnit("bytes")
                .register(retention.metrics());
        this.deletedInits = Counter.builder("kvr_indexer_retention_deleted_inits")
                .description("init segments deleted by retention once no segment referred to them")
                .register(retention.metrics());
        this.failures = Counter.builder("kvr_indexer_retention_failures")
                .description("streams whose expired segments could not be deleted from storage (retried next sweep)")
                .register(retention.metrics());
    }

    /** One sweep over every stream of this task, as of {@code nowMs}. */
    public void run(long nowMs) {
        Map<String, StreamState> all = new LinkedHashMap<>();
        try (KeyValueIterator<String, byte[]> it = streams.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                all.put(kv.key, StreamState.decode(kv.value));
            }
        }
        int budget = MAX_DELETIONS;
        for (var e : all.entrySet()) {
            if (budget <= 0) {
                break;
            }
            OptionalLong period = retention.periods().retentionMs(e.getKey());
            if (period.isEmpty() || period.getAsLong() <= 0) {
                continue;
            }
            long cutoff = nowMs - period.getAsLong();
            if (e.getValue().firstStartMs() >= cutoff) {
                continue;
            }
            budget -= sweep(e.getKey(), e.getValue(), cutoff, budget, period.getAsLong());
        }
    }

    /** Deletes up to {@code budget} segments of one stream that ended at or before {@code cutoff}; returns how many. */
    private int sweep(String streamId, StreamState state, long cutoff, int budget, long periodMs) {
        List<KeyValue<Bytes, SegmentRecord>> expired = new ArrayList<>();
        Set<String> inits = new HashSet<>();
        Set<String> sessions = new HashSet<>();
        SegmentRecord firstRemaining = null;
        try (KeyValueIterator<Bytes, byte[]> it =
                segments.range(SegmentKeys.first(streamId), SegmentKeys.last(streamId))) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                SegmentRecord s = values.decode(kv.value).segment();
                if (s.getEndTimeMs() > cutoff || expired.size() >= budget) {
                    firstRemaining = s;
                    break;
                }
                expired.add(KeyValue.pair(kv.key, s));
                inits.add(s.getInitKey());
                sessions.add(s.getIngestSessionId());
            }
            // an init still used by a remaining segment stays (its session's segments follow the expired ones)
            if (firstRemaining != null) {
                inits.remove(state.lastInitKey());
                SegmentRecord s = firstRemaining;
                int scanned = 0;
                while (!inits.isEmpty()
                        && s != null
                        && sessions.contains(s.getIngestSessionId())
                        && scanned++ < INIT_SCAN_LIMIT) {
                    inits.remove(s.getInitKey());
                    s = it.hasNext() ? values.decode(it.next().value).segment() : null;
                }
            }
        }
        if (expired.isEmpty()) {
            return 0;
        }
        long bytes = 0;
        try {
            for (KeyValue<Bytes, SegmentRecord> kv : expired) {
                retention.objects().remove(kv.value.getBucket(), kv.value.getObjectKey());
                bytes += kv.value.getByteSize();
            }
            String bucket = expired.get(0).value.getBucket();
            for (String init : inits) {
                retention.objects().remove(bucket, init);
            }
        } catch (RuntimeException e) {
            failures.increment();
            log.warn(
                    "retention of stream {}: cannot delete from object storage, trying again next sweep: {}",
                    streamId,
                    e.getMessage());
            return expired.size();
        }
        for (KeyValue<Bytes, SegmentRecord> kv : expired) {
            segments.delete(kv.key);
        }
        if (firstRemaining == null) {
            streams.delete(streamId);
        } else {
            streams.put(
                    streamId,
                    new StreamState(
                                    firstRemaining.getStartTimeMs(),
                                    state.lastEndMs(),
                                    Math.max(0, state.segments() - expired.size()),
                                    state.discontinuities(),
                                    state.lastInitKey(),
                                    state.lastIngestSessionId(),
                                    state.codecs(),
                                    state.width(),
                                    state.height(),
                                    state.nextOrdinal())
                            .encode());
        }
        deletedSegments.increment(expired.size());
        deletedBytes.increment(bytes);
        deletedInits.increment(inits.size());
        log.info(
                "retention of stream {}: deleted {} segments ({} bytes) and {} init segments that ended more than {} ms ago{}",
                streamId,
                expired.size(),
                bytes,
                inits.size(),
                periodMs,
                firstRemaining == null ? "; nothing of it is left" : "");
        return expired.size();
    }
}
