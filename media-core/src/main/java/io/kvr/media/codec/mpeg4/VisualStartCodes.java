package io.kvr.media.codec.mpeg4;

import java.util.Arrays;
import java.util.Optional;

/**
 * Finds the start codes of an MPEG-4 Part 2 elementary stream (ISO/IEC 14496-2 6.2.1, Table 6-3): the byte-aligned
 * prefix 0x000001 then one start code value byte. Start codes cannot occur elsewhere in the bitstream (5.2.4:
 * marker bits and stuffing keep 23 zero bits from appearing), so no escaping is needed.
 */
public final class VisualStartCodes {

    /** video_object_start_code 0x00000100 through 0x0000011F. */
    public static final int VIDEO_OBJECT_FIRST = 0x00;

    public static final int VIDEO_OBJECT_LAST = 0x1f;
    /** visual_object_sequence_start_code 0x000001B0. */
    public static final int VISUAL_OBJECT_SEQUENCE = 0xb0;
    /** user_data_start_code 0x000001B2. */
    public static final int USER_DATA = 0xb2;
    /** group_of_vop_start_code 0x000001B3. */
    public static final int GROUP_OF_VOP = 0xb3;
    /** visual_object_start_code 0x000001B5. */
    public static final int VISUAL_OBJECT = 0xb5;
    /** vop_start_code 0x000001B6. */
    public static final int VOP = 0xb6;
    /** video_object_layer_start_code 0x00000120 through 0x0000012F. */
    public static final int VIDEO_OBJECT_LAYER_FIRST = 0x20;

    public static final int VIDEO_OBJECT_LAYER_LAST = 0x2f;

    /** vop_coding_type (6.3.5, Table 6-20): I-VOP. */
    private static final int INTRA_CODED = 0;

    private VisualStartCodes() {}

    /**
     * Index of the start code value byte (the byte after 0x000001) of the first start code at or after {@code from}
     * whose value is in {@code [first, last]}; -1 when there is none.
     */
    public static int find(byte[] data, int from, int first, int last) {
        return find(data, from, data.length, first, last);
    }

    /** Like {@link #find(byte[], int, int, int)}, for start codes that lie wholly before {@code to}. */
    public static int find(byte[] data, int from, int to, int first, int last) {
        int end = Math.min(to, data.length);
        for (int i = Math.max(0, from); i + 3 < end; i++) {
            if (data[i + 2] == 1 && data[i] == 0 && data[i + 1] == 0) {
                int value = data[i + 3] & 0xff;
                if (value >= first && value <= last) {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    /**
     * The configuration header of an access unit or of extradata: the bytes before its first group of VOPs or VOP
     * (VOS, VO, VOL and any user data), when they hold a video_object_layer header; empty otherwise (a VOP without a
     * header before it). This is what an SDP's {@code config=} carries (RFC 6416 7.1).
     */
    public static Optional<byte[]> configuration(byte[] data) {
        int vop = firstOf(data, GROUP_OF_VOP, VOP);
        int end = vop < 0 ? data.length : vop - 3;
        if (find(data, 0, end, VIDEO_OBJECT_LAYER_FIRST, VIDEO_OBJECT_LAYER_LAST) < 0) {
            return Optional.empty();
        }
        int start = find(data, 0, end, 0, 0xff) - 3;
        return Optional.of(Arrays.copyOfRange(data, start, end));
    }

    /** Like {@link #find(byte[], int, int, int)} for the first start code that is {@code a} or {@code b}. */
    private static int firstOf(byte[] data, int a, int b) {
        int first = find(data, 0, Math.min(a, b), Math.max(a, b));
        while (first >= 0 && (data[first] & 0xff) != a && (data[first] & 0xff) != b) {
            first = find(data, first + 1, Math.min(a, b), Math.max(a, b));
        }
        return first;
    }

    /** profile_and_level_indication, the byte after the visual_object_sequence_start_code (6.3.2); -1 when absent. */
    public static int profileAndLevel(byte[] configuration) {
        int vos = find(configuration, 0, VISUAL_OBJECT_SEQUENCE, VISUAL_OBJECT_SEQUENCE);
        return vos >= 0 && vos + 1 < configuration.length ? configuration[vos + 1] & 0xff : -1;
    }

    /**
     * Whether the access unit's first VOP is intra coded: vop_coding_type, the two bits after the vop_start_code
     * (6.2.5), is 00. An I-VOP is decodable on its own, so it is a random access point when the configuration
     * header is known.
     */
    public static boolean isIntraVop(byte[] accessUnit) {
        int vop = find(accessUnit, 0, VOP, VOP);
        return vop >= 0 && vop + 1 < accessUnit.length && ((accessUnit[vop + 1] & 0xff) >> 6) == INTRA_CODED;
    }
}
