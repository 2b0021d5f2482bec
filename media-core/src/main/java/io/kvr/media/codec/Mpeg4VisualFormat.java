package io.kvr.media.codec;

import io.kvr.media.MalformedMediaException;
import io.kvr.media.codec.mpeg4.VideoObjectLayer;
import io.kvr.media.codec.mpeg4.VisualStartCodes;
import java.util.Arrays;
import java.util.Optional;

/**
 * Configuration of an MPEG-4 Part 2 video track (ISO/IEC 14496-2): the header before the first VOP (visual object
 * sequence, visual object, video object layer), which an MP4 file carries as the DecoderSpecificInfo of the
 * {@code mp4v} sample entry's {@code esds} (ISO/IEC 14496-14 3.1.2, 14496-1 7.2.6.7). Samples are VOPs as they
 * are, with their start codes. The array is shared, not copied; do not mutate it.
 *
 * @param width video_object_layer_width
 * @param height video_object_layer_height
 * @param profileAndLevel profile_and_level_indication of the visual object sequence (14496-2 Table G-1), or -1
 *     when the header has no visual_object_sequence
 * @param decoderSpecificInfo the header bytes, from the first start code to the first VOP (exclusive)
 */
public record Mpeg4VisualFormat(int width, int height, int profileAndLevel, byte[] decoderSpecificInfo)
        implements VisualFormat {

    /**
     * profile_and_level_indication named when a stream has no VOS header (cameras that send only the VOL): 9, a low
     * Simple Profile level (14496-2 Table G-1), the profile such cameras use and every decoder supports.
     */
    static final int UNSTATED_PROFILE_AND_LEVEL = 9;

    public Mpeg4VisualFormat {
        if (width <= 0
                || height <= 0
                || profileAndLevel < -1
                || profileAndLevel > 0xff
                || decoderSpecificInfo.length == 0) {
            throw new IllegalArgumentException("Mpeg4VisualFormat(" + width + "x" + height + ", " + profileAndLevel
                    + ", " + decoderSpecificInfo.length + " bytes)");
        }
    }

    /**
     * The format of a configuration header (extradata from the SDP's {@code config=}, or the bytes of a keyframe
     * before its VOP); the picture size comes from its video_object_layer.
     *
     * @throws MalformedMediaException if the bytes hold no video_object_layer header or it does not parse
     */
    public static Mpeg4VisualFormat fromExtradata(byte[] extradata) {
        byte[] header = VisualStartCodes.configuration(extradata)
                .orElseThrow(
                        () -> new MalformedMediaException("MPEG-4 Part 2 extradata has no video_object_layer header"));
        VideoObjectLayer vol = VideoObjectLayer.parse(header);
        return new Mpeg4VisualFormat(vol.width(), vol.height(), VisualStartCodes.profileAndLevel(header), header);
    }

    /**
     * The format carried in band by an access unit: the header before its first VOP; empty when there is none.
     *
     * @throws MalformedMediaException if a video_object_layer header is present but does not parse
     */
    public static Optional<Mpeg4VisualFormat> fromAccessUnit(byte[] accessUnit) {
        return VisualStartCodes.configuration(accessUnit).map(Mpeg4VisualFormat::fromExtradata);
    }

    /**
     * {@code mp4v.20.<profile_and_level_indication in decimal>} (RFC 6381 3.3: OTI 0x20, Visual ISO/IEC 14496-2);
     * {@code mp4v.20.9} when the stream does not state its profile.
     */
    @Override
    public String codecsString() {
        return "mp4v.20." + (profileAndLevel < 0 ? UNSTATED_PROFILE_AND_LEVEL : profileAndLevel);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mpeg4VisualFormat f
                && f.width == width
                && f.height == height
                && f.profileAndLevel == profileAndLevel
                && Arrays.equals(f.decoderSpecificInfo, decoderSpecificInfo);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * width + height) + profileAndLevel) + Arrays.hashCode(decoderSpecificInfo);
    }

    @Override
    public String toString() {
        return "Mpeg4VisualFormat[" + codecsString() + " " + width + "x" + height + ", " + decoderSpecificInfo.length
                + " bytes of header]";
    }
}
