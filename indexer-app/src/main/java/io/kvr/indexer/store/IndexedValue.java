package io.kvr.indexer.store;

import io.kvr.index.IndexedSegment;
import io.kvr.runtime.kafka.AvroCodec;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.schemas.SegmentRecord;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/** Value layout of the segments store: ordinal (8 bytes), discontinuities (8 bytes), Avro SegmentRecord. */
public final class IndexedValue {
    private final AvroCodec<SegmentRecord> codec = KvrTopics.segmentRecords();

    public byte[] encode(long ordinal, long discontinuities, byte[] segmentRecord) {
        return ByteBuffer.allocate(RECORD_OFFSET + segmentRecord.length)
                .putLong(ordinal)
                .putLong(discontinuities)
                .put(segmentRecord)
                .array();
    }

    /** Where the Avro record starts in a stored value. */
    public static final int RECORD_OFFSET = 16;
    /** Avro single-object header: marker (2 bytes) and schema fingerprint (8). */
    private static final int AVRO_HEADER = 10;

    public static long ordinal(byte[] value) {
        return ByteBuffer.wrap(value).getLong(0);
    }

    public static long discontinuities(byte[] value) {
        return ByteBuffer.wrap(value).getLong(8);
    }

    /**
     * {start, end} capture wall-clock ms of a stored value, read from the record's leading fields only
     * ({@code streamId}, {@code ingestSessionId}, {@code sequence}, {@code startTimeMs}, {@code endTimeMs}: new
     * fields are only ever added at the end, so every version of the schema starts this way).
     */
    public long[] timeSpan(byte[] value) {
        if (!codec.matches(value, RECORD_OFFSET)) {
            SegmentRecord r = decode(value).segment(); // an earlier schema: decode it whole
            return new long[] {r.getStartTimeMs(), r.getEndTimeMs()};
        }
        try {
            BinaryDecoder in = DecoderFactory.get()
                    .binaryDecoder(
                            value, RECORD_OFFSET + AVRO_HEADER, value.length - RECORD_OFFSET - AVRO_HEADER, null);
            in.skipString();
            in.skipString();
            in.readLong();
            return new long[] {in.readLong(), in.readLong()};
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("corrupt segment record in the index: " + e.getMessage(), e);
        }
    }

    public IndexedSegment decode(byte[] value) {
        byte[] record = Arrays.copyOfRange(value, RECORD_OFFSET, value.length);
        return new IndexedSegment(ordinal(value), discontinuities(value), codec.decode(record));
    }
}
