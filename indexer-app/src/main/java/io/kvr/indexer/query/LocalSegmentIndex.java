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
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Answers {@link SegmentIndex} queries from this instance's Kafka Streams stores. */
public final class LocalSegmentIndex implements SegmentIndex {
    /** Longest segment the range scan looks back for (policies allow up to 10 s; a margin for slow cuts). */
    private static final long MAX_SEGMENT_MS = 60_000;

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
        byte[] value = streamsStore().get(streamId);
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
                segmentsStore().reverseRange(SegmentKeys.first(streamId), SegmentKeys.last(streamId))) {
            while (it.hasNext() && out.size() < limit) {
                out.add(values.decode(it.next().value));
            }
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
        try (KeyValueIterator<Bytes, byte[]> it = segmentsStore().range(from, to)) {
            while (it.hasNext()) {
                byte[] value = it.next().value;
                long[] span = values.timeSpan(value);
                if (span[1] > startMs && span[0] < endMs) {
                    action.accept(value);
                }
            }
        }
    }

    private ReadOnlyKeyValueStore<Bytes, byte[]> segmentsStore() {
        return store(IndexTopology.SEGMENTS_STORE);
    }

    private ReadOnlyKeyValueStore<String, byte[]> streamsStore() {
        return store(IndexTopology.STREAMS_STORE);
    }

    private <K> ReadOnlyKeyValueStore<K, byte[]> store(String name) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new IndexUnavailableException(
                    "index is " + streams.state().name().toLowerCase(java.util.Locale.ROOT) + ", not yet serving",
                    null);
        }
        try {
            return streams.store(
                    StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<K, byte[]>keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new IndexUnavailableException("index store " + name + " unavailable: " + e.getMessage(), e);
        }
    }
}
