package io.kvr.media.codec;

import java.util.Arrays;

/**
 * One NAL unit (header included, no start code or length prefix) as a view into a larger array: nothing is
 * copied. The array is shared with the caller; do not mutate it.
 */
public record NalUnit(byte[] data, int offset, int length) {

    public NalUnit {
        if (offset < 0 || length < 1 || offset + length > data.length) {
            throw new IndexOutOfBoundsException("offset " + offset + " length " + length + " of " + data.length);
        }
    }

    /** nal_unit_type under the given codec's header syntax. */
    public int type(VideoCodec codec) {
        return codec.nalUnitType(data[offset]);
    }

    /** A copy of the NAL unit bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOfRange(data, offset, offset + length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NalUnit n
                && Arrays.equals(data, offset, offset + length, n.data, n.offset, n.offset + n.length);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = offset; i < offset + length; i++) {
            h = 31 * h + data[i];
        }
        return h;
    }

    @Override
    public String toString() {
        return "NalUnit[length=" + length + ", header=0x" + Integer.toHexString(data[offset] & 0xff) + "]";
    }
}
