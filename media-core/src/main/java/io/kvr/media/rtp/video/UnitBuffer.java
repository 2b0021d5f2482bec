package io.kvr.media.rtp.video;

import io.kvr.media.rtp.RtpFormatException;
import java.util.Arrays;

/**
 * The bytes of the access unit being reassembled, in one array reused from unit to unit: each packet's media
 * bytes are copied here once, and once more into the unit handed out.
 */
final class UnitBuffer {

    /** Largest access unit accepted (an 8K intra picture at a high bit rate stays well below). */
    static final int MAX_UNIT_SIZE = 16 << 20;

    private static final int INITIAL_CAPACITY = 16 << 10;

    private byte[] bytes = new byte[INITIAL_CAPACITY];
    private int size;

    int size() {
        return size;
    }

    byte[] bytes() {
        return bytes;
    }

    void clear() {
        size = 0;
    }

    void append(byte[] source, int offset, int length) throws RtpFormatException {
        ensure(length);
        System.arraycopy(source, offset, bytes, size, length);
        size += length;
    }

    void append(int b) throws RtpFormatException {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    /** The 4-byte Annex B start code 0x00000001 that precedes each NAL unit in a {@code MediaFrame}. */
    void appendStartCode() throws RtpFormatException {
        ensure(4);
        bytes[size] = 0;
        bytes[size + 1] = 0;
        bytes[size + 2] = 0;
        bytes[size + 3] = 1;
        size += 4;
    }

    private void ensure(int more) throws RtpFormatException {
        if (more > MAX_UNIT_SIZE - size) {
            throw new RtpFormatException("access unit larger than " + MAX_UNIT_SIZE + " bytes");
        }
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(MAX_UNIT_SIZE, Math.max(2L * bytes.length, size + more)));
        }
    }
}
