package io.kvr.media.bitstream;

import io.kvr.media.MalformedMediaException;

/**
 * Reads a byte array most significant bit first, as the syntax tables of ITU-T H.264 / H.265 (7.2) and
 * ISO/IEC 14496-3 specify. Not thread-safe; one reader per parse.
 */
public final class BitReader {

    private final byte[] data;
    private final int end;
    private long bitPosition;

    /** Reads {@code data[offset, offset + length)} as is. */
    public BitReader(byte[] data, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new IndexOutOfBoundsException("offset " + offset + " length " + length + " of " + data.length);
        }
        this.data = data;
        this.end = offset + length;
        this.bitPosition = (long) offset * 8;
    }

    public BitReader(byte[] data) {
        this(data, 0, data.length);
    }

    /**
     * A reader over the RBSP of a NAL unit: removes every emulation_prevention_three_byte, i.e. the 0x03 of each
     * 0x000003 sequence (H.264 7.3.1 / H.265 7.3.1.1, 7.4.2). The NAL unit header is kept, so the caller skips it.
     */
    public static BitReader rbsp(byte[] nal, int offset, int length) {
        return new BitReader(unescapeRbsp(nal, offset, length));
    }

    /** The bytes of {@code nal[offset, offset + length)} with emulation prevention bytes removed. */
    public static byte[] unescapeRbsp(byte[] nal, int offset, int length) {
        byte[] out = new byte[length];
        int n = 0;
        int zeros = 0;
        for (int i = offset; i < offset + length; i++) {
            int b = nal[i] & 0xff;
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            out[n++] = (byte) b;
            zeros = b == 0 ? zeros + 1 : 0;
        }
        return n == length ? out : java.util.Arrays.copyOf(out, n);
    }

    /** An independent reader of the same bytes at the same position. */
    public BitReader copy() {
        BitReader copy = new BitReader(data, 0, end);
        copy.bitPosition = bitPosition;
        return copy;
    }

    /** Bits left to read. */
    public long remaining() {
        return (long) end * 8 - bitPosition;
    }

    /** u(1) as a boolean. */
    public boolean flag() {
        return bits(1) == 1;
    }

    /** u(n) for 0 &lt;= n &lt;= 32, unsigned in an int for n &lt; 32 and in the low bits for n = 32. */
    public int bits(int n) {
        if (n < 0 || n > 32) {
            throw new IllegalArgumentException("bits(" + n + ")");
        }
        return (int) longBits(n);
    }

    /** u(n) for 0 &lt;= n &lt;= 64. */
    public long longBits(int n) {
        if (n < 0 || n > 64) {
            throw new IllegalArgumentException("longBits(" + n + ")");
        }
        require(n);
        long value = 0;
        for (int i = 0; i < n; i++) {
            int b = data[(int) (bitPosition >>> 3)];
            int bit = (b >>> (7 - (int) (bitPosition & 7))) & 1;
            value = (value << 1) | bit;
            bitPosition++;
        }
        return value;
    }

    public void skip(long n) {
        require(n);
        bitPosition += n;
    }

    /** ue(v), Exp-Golomb unsigned (H.264 9.1); values above 2^31 - 2 are rejected as malformed. */
    public int ue() {
        int leadingZeros = 0;
        while (bits(1) == 0) {
            leadingZeros++;
            if (leadingZeros > 31) {
                throw new MalformedMediaException("exp-Golomb code longer than 32 bits");
            }
        }
        long value = (1L << leadingZeros) - 1 + longBits(leadingZeros);
        if (value > Integer.MAX_VALUE - 1) {
            throw new MalformedMediaException("exp-Golomb value " + value + " out of range");
        }
        return (int) value;
    }

    /** se(v), Exp-Golomb signed (H.264 9.1.1). */
    public int se() {
        int k = ue();
        return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
    }

    private void require(long n) {
        if (n > remaining()) {
            throw new MalformedMediaException("truncated: need " + n + " bits, " + remaining() + " left");
        }
    }
}
