package io.kvr.indexer.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Keys of the segments store: {@code streamId, 0x00, startMs (8 bytes big-endian), sequence (8 bytes)}.
 * Byte order equals (stream, time) order, so a time range of one stream is one contiguous RocksDB range scan
 * (O(log n + k)). The 0x00 separator cannot occur in stream ids, so no stream's keys interleave another's.
 */
public final class SegmentKeys {
    private SegmentKeys() {}

    public static Bytes of(String streamId, long startMs, long sequence) {
        byte[] id = streamId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(id.length + 17)
                .put(id)
                .put((byte) 0)
                .putLong(flip(startMs))
                .putLong(flip(sequence))
                .array());
    }

    /** Longs are stored with the sign bit flipped so negative values sort before positive ones. */
    private static long flip(long v) {
        return v ^ Long.MIN_VALUE;
    }

    public static Bytes first(String streamId) {
        return of(streamId, Long.MIN_VALUE, Long.MIN_VALUE);
    }

    public static Bytes last(String streamId) {
        return of(streamId, Long.MAX_VALUE, Long.MAX_VALUE);
    }
}
