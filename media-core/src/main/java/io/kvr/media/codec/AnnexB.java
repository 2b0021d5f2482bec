package io.kvr.media.codec;

import java.util.ArrayList;
import java.util.List;

/**
 * Access units as NAL unit byte streams (ITU-T H.264 / H.265 Annex B: start codes 0x000001 or 0x00000001) or
 * already in the 4-byte length-prefixed form of ISO/IEC 14496-15 (5.3.2 / 8.3.2 sample format). Every method
 * accepts both and tells them apart with {@link #isAnnexB(byte[])}.
 */
public final class AnnexB {

    private AnnexB() {}

    /**
     * True when {@code data} begins with a start code: 0x000001, or more zero bytes then 0x01 (zero_byte and
     * leading_zero_8bits, Annex B.2).
     */
    public static boolean startsWithStartCode(byte[] data) {
        if (data.length < 3 || data[0] != 0 || data[1] != 0) {
            return false;
        }
        int i = 2;
        while (i < data.length && data[i] == 0) {
            i++;
        }
        return i < data.length && data[i] == 1;
    }

    /**
     * Whether an access unit is an Annex B byte stream rather than 4-byte length-prefixed NAL units. A unit that
     * starts with 0x00000001 (or more zeros, then 0x01) is Annex B. A unit that starts with 0x000001 is ambiguous (a first NAL unit of 256 to
     * 511 bytes has that length prefix), so it is length-prefixed only when its lengths cover it exactly. A unit
     * with no start code at offset 0 is length-prefixed.
     */
    public static boolean isAnnexB(byte[] accessUnit) {
        if (!startsWithStartCode(accessUnit)) {
            return false;
        }
        if (accessUnit[2] == 0) {
            return true;
        }
        return !lengthPrefixesCoverExactly(accessUnit);
    }

    /** The NAL units of an access unit, in order, as views into {@code accessUnit}; nothing is dropped. */
    public static List<NalUnit> split(byte[] accessUnit) {
        NalIndex index = NalIndex.keepingAll();
        int unit = index.add(accessUnit);
        int count = index.nalUnitCount(unit);
        List<NalUnit> units = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            units.add(index.nalUnit(unit, i));
        }
        return units;
    }

    /**
     * The access unit as 4-byte length-prefixed NAL units (ISO/IEC 14496-15 sample format, lengthSizeMinusOne = 3),
     * without access unit delimiters (H.264 type 9, H.265 type 35). Allocates the result; the fragment writer uses
     * {@link NalIndex} instead to copy media bytes once.
     */
    public static byte[] toLengthPrefixed(VideoCodec codec, byte[] accessUnit) {
        NalIndex index = new NalIndex(codec, false);
        int unit = index.add(accessUnit);
        byte[] out = new byte[index.lengthPrefixedSize(unit)];
        index.writeLengthPrefixed(unit, out, 0);
        return out;
    }

    static boolean lengthPrefixesCoverExactly(byte[] data) {
        long position = 0;
        while (position + 4 <= data.length) {
            long length = readLength(data, (int) position);
            if (length < 1) {
                return false;
            }
            position += 4 + length;
        }
        return position == data.length && data.length > 0;
    }

    static long readLength(byte[] data, int position) {
        return ((data[position] & 0xffL) << 24)
                | ((data[position + 1] & 0xff) << 16)
                | ((data[position + 2] & 0xff) << 8)
                | (data[position + 3] & 0xff);
    }

    /**
     * Index of the first byte of the next 0x000001 at or after {@code from}, or {@code end} if none. Skips three
     * bytes whenever the third is neither 0 nor 1, since no start code can then overlap it.
     */
    static int findStartCode(byte[] data, int from, int end) {
        int i = from;
        while (i + 2 < end) {
            int third = data[i + 2] & 0xff;
            if (third > 1) {
                i += 3;
            } else if (third == 1) {
                if (data[i] == 0 && data[i + 1] == 0) {
                    return i;
                }
                i += 3;
            } else {
                i++;
            }
        }
        return end;
    }
}
