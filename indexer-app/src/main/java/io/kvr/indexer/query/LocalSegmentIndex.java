package io.kvr.indexer.query;

import io.kvr.index.IndexUnavailableException;
import io.kvr.index.IndexedSegment;
import io.kvr.index.SegmentIndex;
import io.kvr.index.SegmentListCodec;
import io.kvr.index.StreamSummary;
import io.kvr.indexer.store.IndexTopology;
import io.kvr.indexer.store.IndexedValue;
import io.kvr.indexer.store.SegmentKeys;
import io.kvr.indexer.store.StreamState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Answers {@link SegmentIndex} queries from this instance's Kafka Streams stores. A query for one stream reads the
 * partition that holds it, and a partition not served here (another instance's, or one still restoring) makes it
 * fail with {@link IndexUnavailableException}: the stream is unavailable for now, not unknown.
 */
public final class LocalSegmentIndex implements SegmentIndex {
    /** Longest segment the range scan looks back for (policies allow up to 10 s; a margin for slow cuts). */
    private static final long MAX_SEGMENT_MS = 60_000;

    private static final Serializer<String> KEYS = Serdes.String().serializer();

    private final KafkaStreams streams;
    private final IndexedValue values = new IndexedValue();

    public LocalSegmentIndex(KafkaStreams streams) {
        this.streams = streams;
    }

    @Override
    public List<StreamSummary> streams() {
        List<StreamSummary> out = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = streamsStore().all()) {
            while (it.hasNext()) {
                var kv = it.next();
                StreamState s = StreamState.decode(kv.value);
                out.add(new StreamSummary(
                        kv.key,
                        s.firstStartMs(),
                        s.lastEndMs(),
                        s.segments(),
                        s.codecs(),
                        s.width(),
                        s.height(),
                        s.lastIngestSessionId()));
            }
        }
        return out;
    }

    @Override
    public Optional<StreamSummary> summary(String streamId) {
        byte[] value;
        try {
            value = streamsStore(streamId).get(streamId);
        } catch (InvalidStateStoreException e) {
            throw unavailable(IndexTopology.STREAMS_STORE, e);
        }
        if (value == null) {
            return Optional.empty();
        }
        StreamState s = StreamState.decode(value);
        return Optional.of(new StreamSummary(
                streamId,
                s.firstStartMs(),
                s.lastEndMs(),
                s.segments(),
                s.codecs(),
                s.width(),
                s.height(),
                s.lastIngestSessionId()));
    }

    @Override
    public List<IndexedSegment> latest(String streamId, int limit) {
        List<IndexedSegment> out = new ArrayList<>(Math.min(limit, 1024));
        try (KeyValueIterator<Bytes, byte[]> it =
                segmentsStore(streamId).reverseRange(SegmentKeys.first(streamId), SegmentKeys.last(streamId))) {
            while (it.hasNext() && out.size() < limit) {
                out.add(values.decode(it.next().value));
            }
        } catch (InvalidStateStoreException e) {
            throw unavailable(IndexTopology.SEGMENTS_STORE, e);
        }
        Collections.reverse(out);
        return out;
    }

    @Override
    public List<IndexedSegment> range(String streamId, long startMs, long endMs) {
        List<IndexedSegment> out = new ArrayList<>();
        forEachOverlapping(streamId, startMs, endMs, value -> out.add(values.decode(value)));
        return out;
    }

    /** The stored values passed through: only each record's start and end are read, to trim the range. */
    @Override
    public byte[] rangeEncoded(String streamId, long startMs, long endMs) {
        SegmentListCodec.Writer out = new SegmentListCodec.Writer();
        forEachOverlapping(
                streamId,
                startMs,
                endMs,
                value -> out.add(
                        IndexedValue.ordinal(value),
                        IndexedValue.discontinuities(value),
                        value,
                        IndexedValue.RECORD_OFFSET,
                        value.length - IndexedValue.RECORD_OFFSET));
        return out.toByteArray();
    }

    /** The stored values of the segments overlapping {@code [startMs, endMs)}, in order, without decoding them. */
    private void forEachOverlapping(String streamId, long startMs, long endMs, Consumer<byte[]> action) {
        Bytes from = SegmentKeys.of(streamId, startMs - MAX_SEGMENT_MS, Long.MIN_VALUE);
        Bytes to = SegmentKeys.of(streamId, endMs - 1, Long.MAX_VALUE);
        try (KeyValueIterator<Bytes, byte[]> it = segmentsStore(streamId).range(from, to)) {
            while (it.hasNext()) {
                byte[] value = it.next().value;
                long[] span = values.timeSpan(value);
                if (span[1] > startMs && span[0] < endMs) {
                    action.accept(value);
                }
            }
        } catch (InvalidStateStoreException e) {
            throw unavailable(IndexTopology.SEGMENTS_STORE, e);
        }
    }

    /** The partition of the segments store that holds {@code streamId}. */
    private ReadOnlyKeyValueStore<Bytes, byte[]> segmentsStore(String streamId) {
        return store(IndexTopology.SEGMENTS_STORE, streamId);
    }

    private ReadOnlyKeyValueStore<String, byte[]> streamsStore() {
        return store(IndexTopology.STREAMS_STORE, null);
    }

    private ReadOnlyKeyValueStore<String, byte[]> streamsStore(String streamId) {
        return store(IndexTopology.STREAMS_STORE, streamId);
    }

    /**
     * The store {@code name}: the partition that holds {@code streamId}, or every local partition when it is null.
     * A stream's partition is asked for on its own: a partition this instance took over in a rebalance and is still
     * restoring is missing from the all-partitions view while the instance already runs, so a stream being moved
     * read as unknown (a 404) instead of unavailable for now (a 503). Both stores are partitioned like the segments
     * topic, by stream id.
     */
    private <K> ReadOnlyKeyValueStore<K, byte[]> store(String name, String streamId) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new IndexUnavailableException(
                    "index is " + streams.state().name().toLowerCase(java.util.Locale.ROOT) + ", not yet serving",
                    null);
        }
        try {
            StoreQueryParameters<ReadOnlyKeyValueStore<K, byte[]>> query =
                    StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<K, byte[]>keyValueStore());
            if (streamId != null) {
                // without application.server (one instance holds every partition) Kafka Streams has no key
                // metadata: the all-partitions view is then the only one, and no rebalance moves a stream away
                KeyQueryMetadata owner = streams.queryMetadataForKey(IndexTopology.STREAMS_STORE, streamId, KEYS);
                if (owner != null && owner.partition() >= 0) {
                    query = query.withPartition(owner.partition());
                }
            }
            return streams.store(query);
        } catch (InvalidStateStoreException e) {
            throw unavailable(name, e);
        }
    }

    /** A store (or the partition asked for) not served here now: during a rebalance, or another instance's. */
    private static IndexUnavailableException unavailable(String store, InvalidStateStoreException e) {
        return new IndexUnavailableException("index store " + store + " unavailable: " + e.getMessage(), e);
    }
}
