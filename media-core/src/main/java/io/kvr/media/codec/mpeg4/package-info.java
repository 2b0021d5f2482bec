/**
 * MPEG-4 Part 2 video (ISO/IEC 14496-2, "MPEG-4 Visual"): start codes (6.2.1, Table 6-3), the configuration
 * header before the first VOP (visual_object_sequence, visual_object, video_object_layer: 6.2.2, 6.2.3) and the
 * vop_coding_type of a VOP (6.2.5).
 */
package io.kvr.media.codec.mpeg4;
