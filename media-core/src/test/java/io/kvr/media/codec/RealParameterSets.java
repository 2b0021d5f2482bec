package io.kvr.media.codec;

import java.util.HexFormat;

/**
 * Parameter sets cut from real encoder output (x264 and x265 via GStreamer, one frame of videotestsrc each),
 * NAL header included, start code removed. ffprobe agrees with the sizes noted.
 */
public final class RealParameterSets {

    /** x264 Constrained Baseline, level 3.0, 640x360 (368 coded, cropped by 8). */
    public static final String H264_BASELINE_640X360 = "6742c01ed900a02ff97016a0c0c0d4a0000003002000000791e2c5c9";

    public static final String H264_BASELINE_PPS = "68cb8cb2";
    /** x264 High, level 4.0, 1920x1080 (1088 coded, cropped by 8). */
    public static final String H264_HIGH_1920X1080 = "67640028acd940780227e5c05a808080a0000003002000000791e30632c0";

    public static final String H264_HIGH_PPS = "68ebecb22c";
    /** x264 High, interlaced (frame_mbs_only_flag 0), 1920x1080 from 34 map units of 32 lines. */
    public static final String H264_HIGH_INTERLACED_1920X1080 =
            "67640028acd94078044fde02d40404050000030001000003003c9f162d96";
    /** x264 High 4:2:2, level 3.1, 854x480 (864 coded, cropped by 10 in units of 2). */
    public static final String H264_HIGH422_854X480 = "677a001fbcd940d83de6f016a0c0c0c8000003000800000301e478c18cb0";
    /** x264 High 4:4:4 Predictive, level 3.1, 1280x720, JVT scaling matrices (seq_scaling_list_present_flag). */
    public static final String H264_HIGH444_SCALING_1280X720 =
            "67f4001f919b280a00b7602d40404050000003001000000303c8f1831960";

    /** x265 Main, level 4 (120), 1920x1080. */
    public static final String H265_VPS_1920X1080 = "40010c01ffff016000000300900000030000030078959809";

    public static final String H265_SPS_1920X1080 =
            "420101016000000300900000030000030078a003c08010e596566924cafff000100016a020202080000003008000000f04";
    public static final String H265_PPS = "4401c172b46240";
    /** x265 Main, level 2.1 (63), 320x180 (184 coded, conformance window of 4 lines). */
    public static final String H265_SPS_320X180 =
            "42010101600000030090000003000003003fa00a080b9f796566924cafff000100016a0c0c0c08000003000800000300f040";
    /** x265 Main 10, level 3.1 (93), 1280x720. */
    public static final String H265_SPS_MAIN10_1280X720 =
            "42010102200000030090000003000003005da00280802d1365959a4932bffc00040005a808080820000003002000000303c1";

    public static final String H265_VPS_MAIN10 = "40010c01ffff02200000030090000003000003005d959809";

    private RealParameterSets() {}

    public static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
