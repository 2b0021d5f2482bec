package io.kvr.media.bmff;

/**
 * Fields shared by the header boxes of ISO/IEC 14496-12 whose version 1 widens times to 64 bits (mvhd 8.2.2,
 * tkhd 8.3.2, mdhd 8.4.2): creation and modification times are always 0, so equal input gives equal bytes.
 */
final class FullBoxFields {
    static final long U32_MAX = 0xFFFF_FFFFL;
    private static final long[] UNITY_MATRIX = {0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000};
    static final int MATRIX_SIZE = 4 * 9;

    private FullBoxFields() {}

    /** Version 1 only when a duration does not fit 32 bits. */
    static int timeVersion(long duration) {
        return duration > U32_MAX ? 1 : 0;
    }

    /** creation_time and modification_time, both 0. */
    static void times(BoxWriter w, int version) {
        if (version == 1) {
            w.u64(0);
            w.u64(0);
        } else {
            w.u32(0);
            w.u32(0);
        }
    }

    static void duration(BoxWriter w, int version, long duration) {
        if (version == 1) {
            w.u64(duration);
        } else {
            w.u32(duration);
        }
    }

    /** Bytes of the two times and a duration in {@code version}. */
    static int timesAndDurationSize(int version) {
        return version == 1 ? 24 : 12;
    }

    static void unityMatrix(BoxWriter w) {
        for (long m : UNITY_MATRIX) {
            w.u32(m);
        }
    }
}
