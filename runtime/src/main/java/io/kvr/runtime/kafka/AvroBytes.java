package io.kvr.runtime.kafka;

import java.nio.ByteBuffer;

/** Avro {@code bytes} values, which Avro hands out as {@link ByteBuffer}s, as arrays. */
public final class AvroBytes {

    private AvroBytes() {}

    /**
     * The buffer's remaining bytes, without copying when it wraps a whole array (Avro's usual case); the buffer's
     * position is left as it was.
     */
    public static byte[] of(ByteBuffer buffer) {
        if (buffer.hasArray()
                && buffer.arrayOffset() == 0
                && buffer.position() == 0
                && buffer.remaining() == buffer.array().length) {
            return buffer.array();
        }
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
