package io.kvr.media.codec.mpeg4;

import io.kvr.media.MalformedMediaException;
import io.kvr.media.bitstream.BitReader;

/**
 * The start of a video_object_layer header (ISO/IEC 14496-2 6.2.3), up to the picture size.
 *
 * @param videoObjectTypeIndication video_object_type_indication (6.3.3, Table 6-10; 1: Simple, 17: Advanced
 *     Simple)
 * @param width video_object_layer_width in luma pixels
 * @param height video_object_layer_height in luma pixels
 */
public record VideoObjectLayer(int videoObjectTypeIndication, int width, int height) {

    /** video_object_layer_shape (Table 6-14). */
    private static final int SHAPE_RECTANGULAR = 0;

    private static final int SHAPE_GRAYSCALE = 3;
    /** aspect_ratio_info extended_PAR (Table 6-12). */
    private static final int EXTENDED_PAR = 0xf;

    /**
     * Parses the first video_object_layer header in {@code configuration} (VOS/VO/VOL bytes with start codes).
     *
     * @throws MalformedMediaException if there is none, it is truncated, a marker bit is 0, or its shape is not
     *     rectangular (arbitrary shapes have no fixed picture size)
     */
    public static VideoObjectLayer parse(byte[] configuration) {
        int value = VisualStartCodes.find(
                configuration, 0, VisualStartCodes.VIDEO_OBJECT_LAYER_FIRST, VisualStartCodes.VIDEO_OBJECT_LAYER_LAST);
        if (value < 0) {
            throw new MalformedMediaException("no video_object_layer_start_code");
        }
        BitReader r = new BitReader(configuration, value + 1, configuration.length - value - 1);
        r.skip(1); // random_accessible_vol
        int typeIndication = r.bits(8);
        int verid = 1;
        if (r.flag()) { // is_object_layer_identifier
            verid = r.bits(4);
            r.skip(3); // video_object_layer_priority
        }
        if (r.bits(4) == EXTENDED_PAR) { // aspect_ratio_info
            r.skip(16); // par_width, par_height
        }
        if (r.flag()) { // vol_control_parameters
            r.skip(3); // chroma_format, low_delay
            if (r.flag()) { // vbv_parameters: bit rate, buffer size and occupancy with their marker bits
                r.skip(15 + 1 + 15 + 1 + 15 + 1 + 3 + 11 + 1 + 15 + 1);
            }
        }
        int shape = r.bits(2);
        if (shape == SHAPE_GRAYSCALE && verid != 1) {
            r.skip(4); // video_object_layer_shape_extension
        }
        marker(r);
        int resolution = r.bits(16); // vop_time_increment_resolution
        if (resolution == 0) {
            throw new MalformedMediaException("vop_time_increment_resolution 0");
        }
        marker(r);
        if (r.flag()) { // fixed_vop_rate
            // fixed_vop_time_increment: as many bits as vop_time_increment_resolution - 1 needs, at least 1 (6.3.3)
            r.skip(Math.max(1, 32 - Integer.numberOfLeadingZeros(resolution - 1)));
        }
        if (shape != SHAPE_RECTANGULAR) {
            throw new MalformedMediaException("video_object_layer_shape " + shape + " is not rectangular");
        }
        marker(r);
        int width = r.bits(13);
        marker(r);
        int height = r.bits(13);
        marker(r);
        if (width == 0 || height == 0) {
            throw new MalformedMediaException("video object layer of " + width + "x" + height);
        }
        return new VideoObjectLayer(typeIndication, width, height);
    }

    private static void marker(BitReader r) {
        if (!r.flag()) {
            throw new MalformedMediaException("video_object_layer marker_bit is 0");
        }
    }
}
