package io.kvr.indexer.store;

import io.kvr.runtime.index.IndexedSegment;
import io.kvr.runtime.kafka.AvroCodec;
import io.kvr.schemas.SegmentRecord;
import java.nio.ByteBuffer;

/** Value layout of the segments store: ordinal (8 bytes), discontinuities (8 bytes), Avro SegmentRecord. */
public final class IndexedValue {
    private final AvroCodec<SegmentRecord> codec = new AvroCodec<>(SegmentRecord.class);

    public byte[] encode(long ordinal, long discontinuities, byte[] segmentRecord) {
        return ByteBuffer.allocate(16 + segmentRecord.length).putLong(ordinal).putLong(discontinuities)
                .put(segmentRecord).array();
    }

    public IndexedSegment decode(byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value);
        long ordinal = b.getLong();
        long discontinuities = b.getLong();
        byte[] record = new byte[value.length - 16];
        b.get(record);
        return new IndexedSegment(ordinal, discontinuities, codec.decode(record));
    }
}
