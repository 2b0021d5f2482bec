package io.kvr.media.codec.h265;

import io.kvr.media.MalformedMediaException;
import io.kvr.media.bitstream.BitReader;

/**
 * The fields of an H.265 sequence parameter set that a container needs, parsed per ITU-T H.265 7.3.2.2.1 up to
 * the bit depths.
 *
 * @param maxSubLayersMinus1 sps_max_sub_layers_minus1
 * @param temporalIdNesting sps_temporal_id_nesting_flag
 * @param profileTierLevel the general profile, tier and level
 * @param chromaFormatIdc chroma_format_idc
 * @param width luma width in samples after the conformance window (7.4.3.2.1)
 * @param height luma height in samples after the conformance window
 * @param bitDepthLuma BitDepthY
 * @param bitDepthChroma BitDepthC
 */
public record H265Sps(
        int maxSubLayersMinus1,
        boolean temporalIdNesting,
        ProfileTierLevel profileTierLevel,
        int chromaFormatIdc,
        int width,
        int height,
        int bitDepthLuma,
        int bitDepthChroma) {

    /** SPS_NUT (Table 7-1). */
    public static final int NAL_UNIT_TYPE = 33;

    /** Parses the SPS NAL unit {@code nal[offset, offset + length)}, two-byte header included. */
    public static H265Sps parse(byte[] nal, int offset, int length) {
        if (length < 4 || ((nal[offset] >> 1) & 0x3f) != NAL_UNIT_TYPE) {
            throw new MalformedMediaException("not an H.265 SPS NAL unit");
        }
        BitReader r = BitReader.rbsp(nal, offset + 2, length - 2);
        r.skip(4); // sps_video_parameter_set_id
        int maxSubLayersMinus1 = r.bits(3);
        if (maxSubLayersMinus1 > 6) {
            throw new MalformedMediaException("sps_max_sub_layers_minus1 " + maxSubLayersMinus1);
        }
        boolean temporalIdNesting = r.flag();
        ProfileTierLevel ptl = ProfileTierLevel.read(r, maxSubLayersMinus1);
        r.ue(); // sps_seq_parameter_set_id
        int chromaFormatIdc = r.ue();
        if (chromaFormatIdc > 3) {
            throw new MalformedMediaException("chroma_format_idc " + chromaFormatIdc);
        }
        boolean separateColourPlane = chromaFormatIdc == 3 && r.flag();
        long width = r.ue();
        long height = r.ue();
        if (r.flag()) { // conformance_window_flag
            // 7.4.3.2.1: offsets are in units of SubWidthC / SubHeightC (Table 6-1); ChromaArrayType 0 uses 1
            int chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
            int subWidthC = chromaArrayType == 1 || chromaArrayType == 2 ? 2 : 1;
            int subHeightC = chromaArrayType == 1 ? 2 : 1;
            long left = r.ue();
            long right = r.ue();
            long top = r.ue();
            long bottom = r.ue();
            width -= subWidthC * (left + right);
            height -= subHeightC * (top + bottom);
        }
        int bitDepthLuma = 8 + r.ue();
        int bitDepthChroma = 8 + r.ue();
        if (width <= 0 || height <= 0 || width > 65535 || height > 65535) {
            throw new MalformedMediaException("H.265 SPS gives " + width + "x" + height);
        }
        if (bitDepthLuma > 16 || bitDepthChroma > 16) {
            throw new MalformedMediaException("bit depth " + bitDepthLuma + "/" + bitDepthChroma);
        }
        return new H265Sps(
                maxSubLayersMinus1,
                temporalIdNesting,
                ptl,
                chromaFormatIdc,
                (int) width,
                (int) height,
                bitDepthLuma,
                bitDepthChroma);
    }

    public static H265Sps parse(byte[] nal) {
        return parse(nal, 0, nal.length);
    }

    /** The ISO/IEC 14496-15 E.3 codecs string for an {@code hvc1} sample entry. */
    public String codecsString() {
        return profileTierLevel.codecsString("hvc1");
    }
}
