package io.kvr.media.bmff;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Big-endian writer of ISO BMFF boxes (ISO/IEC 14496-12 4.2) into one array: either a growing one (init segments,
 * small) or a caller's array of exactly known size (media segments), which then never reallocates.
 */
public final class BoxWriter {

    private byte[] buffer;
    private int position;
    private final boolean growable;

    /** A growing writer. */
    public BoxWriter(int initialCapacity) {
        this.buffer = new byte[initialCapacity];
        this.growable = true;
    }

    /** A writer into {@code target} from {@code offset}; writing past its end is a bug. */
    public BoxWriter(byte[] target, int offset) {
        this.buffer = target;
        this.position = offset;
        this.growable = false;
    }

    public int position() {
        return position;
    }

    public byte[] array() {
        return buffer;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, position);
    }

    /** Starts a box: a size placeholder and the type; {@link #end(int)} patches the size. */
    public int begin(String type) {
        int start = position;
        u32(0);
        fourcc(type);
        return start;
    }

    /** Starts a FullBox (4.2): box header, then version (8 bits) and flags (24 bits). */
    public int beginFull(String type, int version, int flags) {
        int start = begin(type);
        u32(((long) version << 24) | (flags & 0xffffff));
        return start;
    }

    public void end(int start) {
        int size = position - start;
        buffer[start] = (byte) (size >>> 24);
        buffer[start + 1] = (byte) (size >>> 16);
        buffer[start + 2] = (byte) (size >>> 8);
        buffer[start + 3] = (byte) size;
    }

    public void u8(int value) {
        ensure(1);
        buffer[position++] = (byte) value;
    }

    public void u16(int value) {
        ensure(2);
        buffer[position++] = (byte) (value >>> 8);
        buffer[position++] = (byte) value;
    }

    public void u24(int value) {
        ensure(3);
        buffer[position++] = (byte) (value >>> 16);
        buffer[position++] = (byte) (value >>> 8);
        buffer[position++] = (byte) value;
    }

    public void u32(long value) {
        ensure(4);
        buffer[position++] = (byte) (value >>> 24);
        buffer[position++] = (byte) (value >>> 16);
        buffer[position++] = (byte) (value >>> 8);
        buffer[position++] = (byte) value;
    }

    public void u64(long value) {
        u32(value >>> 32);
        u32(value & 0xffffffffL);
    }

    public void fourcc(String type) {
        byte[] b = type.getBytes(StandardCharsets.ISO_8859_1);
        if (b.length != 4) {
            throw new IllegalArgumentException("four-character code '" + type + "'");
        }
        bytes(b);
    }

    public void bytes(byte[] data) {
        bytes(data, 0, data.length);
    }

    public void bytes(byte[] data, int offset, int length) {
        ensure(length);
        System.arraycopy(data, offset, buffer, position, length);
        position += length;
    }

    public void zeros(int count) {
        ensure(count);
        Arrays.fill(buffer, position, position + count, (byte) 0);
        position += count;
    }

    /** Moves past {@code count} bytes that the caller fills itself (media data written in place). */
    public void advance(int count) {
        ensure(count);
        position += count;
    }

    private void ensure(int count) {
        if (position + count > buffer.length) {
            if (!growable) {
                throw new IllegalStateException("box writer overflow: " + (position + count) + " > " + buffer.length);
            }
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, position + count));
        }
    }
}
