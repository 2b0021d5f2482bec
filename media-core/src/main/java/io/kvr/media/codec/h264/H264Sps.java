package io.kvr.media.codec.h264;

import io.kvr.media.MalformedMediaException;
import io.kvr.media.bitstream.BitReader;

/**
 * The fields of an H.264 sequence parameter set that a container needs, parsed per ITU-T H.264 7.3.2.1.1.
 *
 * @param profileIdc profile_idc
 * @param constraintFlags constraint_set0_flag..constraint_set5_flag and reserved_zero_2bits, as one byte
 * @param levelIdc level_idc
 * @param chromaFormatIdc chroma_format_idc (1 when absent, 7.4.2.1.1)
 * @param bitDepthLuma BitDepthY
 * @param bitDepthChroma BitDepthC
 * @param frameMbsOnly frame_mbs_only_flag
 * @param width cropped luma width in samples (7.4.2.1.1, frame_crop_*_offset)
 * @param height cropped luma height in samples
 */
public record H264Sps(
        int profileIdc,
        int constraintFlags,
        int levelIdc,
        int chromaFormatIdc,
        int bitDepthLuma,
        int bitDepthChroma,
        boolean frameMbsOnly,
        int width,
        int height) {

    /** NAL unit type of an SPS (Table 7-1). */
    public static final int NAL_UNIT_TYPE = 7;

    /** Parses the SPS NAL unit {@code nal[offset, offset + length)}, header byte included. */
    public static H264Sps parse(byte[] nal, int offset, int length) {
        if (length < 4 || (nal[offset] & 0x1f) != NAL_UNIT_TYPE) {
            throw new MalformedMediaException("not an H.264 SPS NAL unit");
        }
        BitReader r = BitReader.rbsp(nal, offset + 1, length - 1);
        int profileIdc = r.bits(8);
        int constraintFlags = r.bits(8);
        int levelIdc = r.bits(8);
        r.ue(); // seq_parameter_set_id
        int chromaFormatIdc = 1;
        boolean separateColourPlane = false;
        int bitDepthLuma = 8;
        int bitDepthChroma = 8;
        if (hasChromaInfo(profileIdc)) {
            chromaFormatIdc = r.ue();
            if (chromaFormatIdc > 3) {
                throw new MalformedMediaException("chroma_format_idc " + chromaFormatIdc);
            }
            if (chromaFormatIdc == 3) {
                separateColourPlane = r.flag();
            }
            bitDepthLuma = 8 + r.ue();
            bitDepthChroma = 8 + r.ue();
            if (bitDepthLuma > 14 || bitDepthChroma > 14) {
                throw new MalformedMediaException("bit depth " + bitDepthLuma + "/" + bitDepthChroma);
            }
            r.skip(1); // qpprime_y_zero_transform_bypass_flag
            if (r.flag()) { // seq_scaling_matrix_present_flag
                int lists = chromaFormatIdc != 3 ? 8 : 12;
                for (int i = 0; i < lists; i++) {
                    if (r.flag()) { // seq_scaling_list_present_flag[i]
                        skipScalingList(r, i < 6 ? 16 : 64);
                    }
                }
            }
        }
        r.ue(); // log2_max_frame_num_minus4
        int picOrderCntType = r.ue();
        if (picOrderCntType == 0) {
            r.ue(); // log2_max_pic_order_cnt_lsb_minus4
        } else if (picOrderCntType == 1) {
            r.skip(1); // delta_pic_order_always_zero_flag
            r.se(); // offset_for_non_ref_pic
            r.se(); // offset_for_top_to_bottom_field
            int cycle = r.ue();
            if (cycle > 255) {
                throw new MalformedMediaException("num_ref_frames_in_pic_order_cnt_cycle " + cycle);
            }
            for (int i = 0; i < cycle; i++) {
                r.se(); // offset_for_ref_frame[i]
            }
        } else if (picOrderCntType != 2) {
            throw new MalformedMediaException("pic_order_cnt_type " + picOrderCntType);
        }
        r.ue(); // max_num_ref_frames
        r.skip(1); // gaps_in_frame_num_value_allowed_flag
        long widthInMbs = r.ue() + 1L;
        long heightInMapUnits = r.ue() + 1L;
        boolean frameMbsOnly = r.flag();
        if (!frameMbsOnly) {
            r.skip(1); // mb_adaptive_frame_field_flag
        }
        r.skip(1); // direct_8x8_inference_flag
        long cropLeft = 0;
        long cropRight = 0;
        long cropTop = 0;
        long cropBottom = 0;
        if (r.flag()) { // frame_cropping_flag
            cropLeft = r.ue();
            cropRight = r.ue();
            cropTop = r.ue();
            cropBottom = r.ue();
        }
        // 7.4.2.1.1: CropUnitX/Y from ChromaArrayType, SubWidthC and SubHeightC (Table 6-1)
        int chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
        int fieldFactor = frameMbsOnly ? 1 : 2;
        long cropUnitX;
        long cropUnitY;
        if (chromaArrayType == 0) {
            cropUnitX = 1;
            cropUnitY = fieldFactor;
        } else {
            cropUnitX = chromaArrayType == 3 ? 1 : 2;
            cropUnitY = (chromaArrayType == 1 ? 2 : 1) * (long) fieldFactor;
        }
        long width = widthInMbs * 16 - cropUnitX * (cropLeft + cropRight);
        long height = fieldFactor * heightInMapUnits * 16 - cropUnitY * (cropTop + cropBottom);
        if (width <= 0 || height <= 0 || width > 65535 || height > 65535) {
            throw new MalformedMediaException("H.264 SPS gives " + width + "x" + height);
        }
        return new H264Sps(
                profileIdc,
                constraintFlags,
                levelIdc,
                chromaFormatIdc,
                bitDepthLuma,
                bitDepthChroma,
                frameMbsOnly,
                (int) width,
                (int) height);
    }

    public static H264Sps parse(byte[] nal) {
        return parse(nal, 0, nal.length);
    }

    /** RFC 6381 3.3 codecs parameter: {@code avc1.PPCCLL}, hexadecimal profile_idc, constraint byte, level_idc. */
    public String codecsString() {
        return String.format("avc1.%02x%02x%02x", profileIdc, constraintFlags, levelIdc);
    }

    /** Profiles whose SPS carries chroma_format_idc, bit depths and scaling matrices (7.3.2.1.1). */
    static boolean hasChromaInfo(int profileIdc) {
        return switch (profileIdc) {
            case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135 -> true;
            default -> false;
        };
    }

    /** scaling_list() of 7.3.2.1.1.1, read and discarded. */
    private static void skipScalingList(BitReader r, int size) {
        int lastScale = 8;
        int nextScale = 8;
        for (int j = 0; j < size; j++) {
            if (nextScale != 0) {
                int delta = r.se();
                nextScale = (lastScale + delta + 256) % 256;
            }
            lastScale = nextScale == 0 ? lastScale : nextScale;
        }
    }
}
