package io.kvr.indexer.store;

import io.kvr.indexer.retention.Retention;
import io.kvr.indexer.retention.RetentionSweep;
import io.kvr.runtime.kafka.AvroCodec;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.schemas.SegmentRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds each announced segment to the stores. A repeated announcement (a segmenter replay) has the same key and
 * is ignored, so ordinals and counts stay exact. Values that do not decode are counted and skipped.
 */
final class SegmentIndexer implements Processor<String, byte[], Void, Void> {
    private static final Logger log = LoggerFactory.getLogger(SegmentIndexer.class);

    private final AvroCodec<SegmentRecord> codec = KvrTopics.segmentRecords();
    private final IndexedValue values = new IndexedValue();
    private KeyValueStore<Bytes, byte[]> segments;
    private KeyValueStore<String, byte[]> streams;
    private final Retention retention;

    /** {@code retention} null: segments are kept forever. */
    SegmentIndexer(Retention retention) {
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        segments = context.getStateStore(IndexTopology.SEGMENTS_STORE);
        streams = context.getStateStore(IndexTopology.STREAMS_STORE);
        if (retention != null) {
            // a periodic sweep over the whole store, so streams that stopped recording long ago expire too
            RetentionSweep sweep = new RetentionSweep(segments, streams, retention);
            context.schedule(retention.interval(), PunctuationType.WALL_CLOCK_TIME, sweep::run);
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        SegmentRecord segment;
        try {
            segment = codec.decode(record.value());
        } catch (IllegalArgumentException e) {
            log.warn("skipping undecodable segment record for key {}: {}", record.key(), e.getMessage());
            return;
        }
        String streamId = segment.getStreamId();
        Bytes key = SegmentKeys.of(streamId, segment.getStartTimeMs(), segment.getSequence());
        if (segments.get(key) != null) {
            return;
        }
        byte[] stateBytes = streams.get(streamId);
        StreamState state = stateBytes == null ? null : StreamState.decode(stateBytes);
        long ordinal = state == null ? 0 : state.nextOrdinal();
        long discontinuities = state == null
                ? 0
                : state.discontinuities() + (state.lastInitKey().equals(segment.getInitKey()) ? 0 : 1);
        segments.put(key, values.encode(ordinal, discontinuities, record.value()));
        streams.put(
                streamId,
                new StreamState(
                                state == null
                                        ? segment.getStartTimeMs()
                                        : Math.min(state.firstStartMs(), segment.getStartTimeMs()),
                                state == null
                                        ? segment.getEndTimeMs()
                                        : Math.max(state.lastEndMs(), segment.getEndTimeMs()),
                                (state == null ? 0 : state.segments()) + 1,
                                discontinuities,
                                segment.getInitKey(),
                                segment.getIngestSessionId(),
                                segment.getCodecs(),
                                segment.getWidth(),
                                segment.getHeight(),
                                ordinal + 1)
                        .encode());
    }
}
