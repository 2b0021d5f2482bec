package io.kvr.bridge.rtsp;

import io.kvr.media.codec.h264.H264Sps;
import io.kvr.media.codec.h265.H265Sps;
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
 */
public record ParameterSets(List<byte[]> nalUnits) {
    private static final byte[] START_CODE = {0, 0, 0, 1};

    public ParameterSets {
        nalUnits = List.copyOf(nalUnits);
    }

    public static final ParameterSets NONE = new ParameterSets(List.of());

    /** Whether in-band parameter sets are tracked for this codec. */
    public static boolean tracked(Codec codec) {
        return codec == Codec.H264 || codec == Codec.H265;
    }

    /**
     * The parameter sets in Annex B {@code data} (H.264 types 7, 8: ITU-T H.264 Table 7-1; H.265 types 32, 33, 34:
     * ITU-T H.265 Table 7-1), in order; {@link #NONE} for data that is not Annex B (e.g. an avcC record).
     */
    public static ParameterSets scan(Codec codec, byte[] data) {
        List<byte[]> found = new ArrayList<>(3);
        int i = nextStartCode(data, 0);
        while (i >= 0) {
            int start = i + (data[i + 2] == 1 ? 3 : 4);
            int next = nextStartCode(data, start);
            int end = next < 0 ? data.length : next;
            if (start < end && isParameterSet(codec, data[start])) {
                while (end > start && data[end - 1] == 0) {
                    end--; // trailing_zero_8bits, or the first zero of a 4-byte start code
                }
                found.add(Arrays.copyOfRange(data, start, end));
            }
            i = next;
        }
        return found.isEmpty() ? NONE : new ParameterSets(found);
    }

    private static boolean isParameterSet(Codec codec, byte header) {
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
    public record PictureSize(int width, int height) {
    }

    /**
     * The picture size the first SPS gives (ITU-T H.264 7.4.2.1.1, H.265 7.4.3.2.1: pic size less the conformance
     * crop window), parsed by media-core; empty when there is no SPS or it does not parse.
     */
    public Optional<PictureSize> pictureSize(Codec codec) {
        for (byte[] nal : nalUnits) {
            if (nal.length == 0) {
                continue;
            }
            try {
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
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] nal : nalUnits) {
            out.writeBytes(START_CODE);
            out.writeBytes(nal);
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
