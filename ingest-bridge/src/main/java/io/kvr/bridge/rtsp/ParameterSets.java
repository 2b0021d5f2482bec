package io.kvr.bridge.rtsp;

import io.kvr.media.codec.h264.H264Sps;
import io.kvr.media.codec.h265.H265Sps;
import io.kvr.media.codec.mpeg4.VideoObjectLayer;
import io.kvr.media.codec.mpeg4.VisualStartCodes;
import io.kvr.schemas.Codec;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The H.264 / H.265 parameter sets (SPS, PPS; VPS for H.265) of a stream, as NAL units without start codes and
 * without trailing zero bytes. Found in Annex B data: extradata from the SDP or an access unit that repeats them
 * in band. A stream's configuration changed when an access unit carries a parameter set that the stream's current
 * ones do not hold (ITU-T H.264 7.4.1.2.1: a new SPS/PPS content under an id replaces the old one).
 *
 * <p>MPEG-4 Part 2 has the same idea in its configuration header (ISO/IEC 14496-2 6.2.2, 6.2.3): the
 * visual_object_sequence, visual_object, video_object and video_object_layer headers before the first VOP, each
 * kept here from its start code value byte on (user data and the group_of_vop header are not configuration and are left out).
 */
public record ParameterSets(List<byte[]> nalUnits) {
    private static final byte[] START_CODE = {0, 0, 0, 1};
    /** ISO/IEC 14496-2 start code prefix (5.2.4: byte aligned 0x000001, no leading zero byte). */
    private static final byte[] MPEG4_START_CODE = {0, 0, 1};

    public ParameterSets {
        nalUnits = List.copyOf(nalUnits);
    }

    public static final ParameterSets NONE = new ParameterSets(List.of());

    /** Whether in-band parameter sets are tracked for this codec. */
    public static boolean tracked(Codec codec) {
        return codec == Codec.H264 || codec == Codec.H265 || codec == Codec.MPEG4;
    }

    /**
     * The parameter sets in Annex B {@code data} (H.264 types 7, 8: ITU-T H.264 Table 7-1; H.265 types 32, 33, 34:
     * ITU-T H.265 Table 7-1; MPEG-4 Part 2 start codes 0xB0, 0xB5, 0x00-0x1F, 0x20-0x2F before the first VOP: ISO/IEC 14496-2
     * Table 6-3), in order; {@link #NONE} for data that is not Annex B (e.g. an avcC record).
     */
    public static ParameterSets scan(Codec codec, byte[] data) {
        if (codec == Codec.MPEG4) {
            // the header ends at the first group_of_vop or VOP: nothing after it is configuration
            data = VisualStartCodes.configuration(data).orElse(new byte[0]);
        }
        List<byte[]> found = new ArrayList<>(3);
        int i = nextStartCode(data, 0);
        while (i >= 0) {
            int start = i + (data[i + 2] == 1 ? 3 : 4);
            // an MPEG-4 start code value can be 0x00 (video_object): the next start code begins after it
            int next = nextStartCode(data, codec == Codec.MPEG4 ? Math.min(start + 1, data.length) : start);
            int end = next < 0 ? data.length : next;
            if (start < end && isParameterSet(codec, data[start])) {
                // an MPEG-4 video_object header is its start code value 0x00 alone: keep that byte
                int keep = codec == Codec.MPEG4 ? start + 1 : start;
                while (end > keep && data[end - 1] == 0) {
                    end--; // trailing_zero_8bits, or the first zero of a 4-byte start code
                }
                found.add(Arrays.copyOfRange(data, start, end));
            }
            i = next;
        }
        return found.isEmpty() ? NONE : new ParameterSets(found);
    }

    private static boolean isParameterSet(Codec codec, byte header) {
        if (codec == Codec.MPEG4) {
            int value = header & 0xff;
            return value == VisualStartCodes.VISUAL_OBJECT_SEQUENCE
                    || value == VisualStartCodes.VISUAL_OBJECT
                    || value <= VisualStartCodes.VIDEO_OBJECT_LAST
                    || (value >= VisualStartCodes.VIDEO_OBJECT_LAYER_FIRST
                            && value <= VisualStartCodes.VIDEO_OBJECT_LAYER_LAST);
        }
        if (codec == Codec.H264) {
            int type = header & 0x1f;
            return type == 7 || type == 8;
        }
        int type = (header >> 1) & 0x3f;
        return type >= 32 && type <= 34;
    }

    /** Index of the next 3- or 4-byte start code at or after {@code from}, or -1. */
    private static int nextStartCode(byte[] d, int from) {
        for (int i = from; i + 2 < d.length; i++) {
            if (d[i] == 0 && d[i + 1] == 0) {
                if (d[i + 2] == 1) {
                    return i;
                }
                if (d[i + 2] == 0 && i + 3 < d.length && d[i + 3] == 1) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** Cropped picture size in luma samples. */
    public record PictureSize(int width, int height) {}

    /**
     * The picture size the first SPS gives (ITU-T H.264 7.4.2.1.1, H.265 7.4.3.2.1: pic size less the conformance
     * crop window) or the video_object_layer (ISO/IEC 14496-2 6.3.3), parsed by media-core; empty when there is
     * none or it does not parse.
     */
    public Optional<PictureSize> pictureSize(Codec codec) {
        for (byte[] nal : nalUnits) {
            if (nal.length == 0) {
                continue;
            }
            try {
                int value = nal[0] & 0xff;
                if (codec == Codec.MPEG4
                        && value >= VisualStartCodes.VIDEO_OBJECT_LAYER_FIRST
                        && value <= VisualStartCodes.VIDEO_OBJECT_LAYER_LAST) {
                    VideoObjectLayer vol = VideoObjectLayer.parse(withStartCodes(List.of(nal), MPEG4_START_CODE));
                    return Optional.of(new PictureSize(vol.width(), vol.height()));
                }
                if (codec == Codec.H264 && (nal[0] & 0x1f) == H264Sps.NAL_UNIT_TYPE) {
                    H264Sps sps = H264Sps.parse(nal);
                    return Optional.of(new PictureSize(sps.width(), sps.height()));
                }
                if (codec == Codec.H265 && ((nal[0] >> 1) & 0x3f) == H265Sps.NAL_UNIT_TYPE) {
                    H265Sps sps = H265Sps.parse(nal);
                    return Optional.of(new PictureSize(sps.width(), sps.height()));
                }
            } catch (RuntimeException e) { // MediaException: malformed or unsupported SPS
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    public boolean isEmpty() {
        return nalUnits.isEmpty();
    }

    /** Whether {@code inBand} carries a parameter set that these do not hold byte for byte. */
    public boolean changedBy(ParameterSets inBand) {
        for (byte[] nal : inBand.nalUnits) {
            boolean known = false;
            for (byte[] mine : nalUnits) {
                if (Arrays.equals(mine, nal)) {
                    known = true;
                    break;
                }
            }
            if (!known) {
                return true;
            }
        }
        return false;
    }

    /** The parameter sets as Annex B extradata (4-byte start codes). */
    public byte[] annexB() {
        return withStartCodes(nalUnits, START_CODE);
    }

    /**
     * The parameter sets as the extradata of a {@code codec} track: Annex B for H.264/H.265; for MPEG-4 Part 2 the
     * configuration header, each part after the 0x000001 prefix (what an SDP's {@code config=} holds, RFC 6416).
     */
    public byte[] extradata(Codec codec) {
        return codec == Codec.MPEG4 ? withStartCodes(nalUnits, MPEG4_START_CODE) : annexB();
    }

    private static byte[] withStartCodes(List<byte[]> units, byte[] startCode) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] unit : units) {
            out.writeBytes(startCode);
            out.writeBytes(unit);
        }
        return out.toByteArray();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ParameterSets other) || other.nalUnits.size() != nalUnits.size()) {
            return false;
        }
        for (int i = 0; i < nalUnits.size(); i++) {
            if (!Arrays.equals(nalUnits.get(i), other.nalUnits.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (byte[] nal : nalUnits) {
            h = 31 * h + Arrays.hashCode(nal);
        }
        return h;
    }

    @Override
    public String toString() {
        return "ParameterSets[" + nalUnits.size() + " NAL units]";
    }
}
