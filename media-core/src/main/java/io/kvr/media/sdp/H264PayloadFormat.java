package io.kvr.media.sdp;

import io.kvr.media.codec.NalUnit;
import io.kvr.media.codec.VideoCodec;
import io.kvr.media.codec.VideoFormat;
import io.kvr.media.rtp.RtpFormatException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * H.264 over RTP (RFC 6184), clock rate 90000 (8.2.1).
 *
 * @param payloadType RTP payload type
 * @param packetizationMode {@code packetization-mode} (8.1): 0 single NAL unit, 1 non-interleaved, 2 interleaved;
 *     0 when absent
 * @param profileLevelId {@code profile-level-id} (8.1) as a 24-bit number (profile_idc, profile-iop,
 *     level_idc), or -1 when absent or malformed
 * @param format the SPS and PPS of {@code sprop-parameter-sets} with the size of the first SPS; empty when the
 *     parameter is absent or lacks one of them (they come in band)
 */
public record H264PayloadFormat(
        int payloadType, int packetizationMode, int profileLevelId, Optional<VideoFormat> format)
        implements PayloadFormat {

    static final String ENCODING = "H264";

    /** RFC 6184 8.2.1. */
    public static final int CLOCK_RATE = 90000;

    public H264PayloadFormat {
        if (payloadType < 0
                || payloadType > 127
                || packetizationMode < 0
                || packetizationMode > 2
                || profileLevelId < -1
                || profileLevelId > 0xff_ffff) {
            throw new IllegalArgumentException(
                    "H.264 payload " + payloadType + " mode " + packetizationMode + " profile " + profileLevelId);
        }
        if (format.isPresent() && format.get().codec() != VideoCodec.H264) {
            throw new IllegalArgumentException(
                    "H.264 payload with " + format.get().codec() + " parameter sets");
        }
    }

    /** The non-interleaved mode (packetization-mode=1) kvr sends, with the profile from the SPS. */
    public static H264PayloadFormat of(int payloadType, VideoFormat format) {
        byte[] sps = format.sps().getFirst();
        int profileLevelId = sps.length >= 4 ? (sps[1] & 0xff) << 16 | (sps[2] & 0xff) << 8 | (sps[3] & 0xff) : -1;
        return new H264PayloadFormat(payloadType, 1, profileLevelId, Optional.of(format));
    }

    static H264PayloadFormat of(RtpMap rtpMap, FormatParameters parameters) throws RtpFormatException {
        int mode = parameters.integer("packetization-mode", 0);
        if (mode > 2) {
            throw new RtpFormatException("H.264 packetization-mode " + mode);
        }
        int profileLevelId = profileLevelId(parameters.get("profile-level-id").orElse(""));
        List<byte[]> sps = new ArrayList<>(1);
        List<byte[]> pps = new ArrayList<>(1);
        Optional<String> sprop = parameters.get("sprop-parameter-sets");
        if (sprop.isPresent()) {
            for (byte[] unit : ParameterSetList.decode(sprop.get(), "sprop-parameter-sets")) {
                int type = new NalUnit(unit, 0, unit.length).type(VideoCodec.H264);
                if (type == VideoCodec.H264.spsType()) {
                    sps.add(unit);
                } else if (type == VideoCodec.H264.ppsType()) {
                    pps.add(unit);
                }
            }
        }
        Optional<VideoFormat> format =
                ParameterSetList.videoFormat(VideoCodec.H264, List.of(), sps, pps, "sprop-parameter-sets");
        return new H264PayloadFormat(rtpMap.payloadType(), mode, profileLevelId, format);
    }

    /**
     * The 24-bit {@code profile-level-id}, -1 when absent or not 6 hex digits: it only repeats what the SPS says,
     * and some cameras write it wrong (one or two digits, or a decimal), which must not cost them their video.
     */
    private static int profileLevelId(String value) {
        if (value.length() != 6) {
            return -1;
        }
        int id = 0;
        for (int i = 0; i < value.length(); i++) {
            int digit = Character.digit(value.charAt(i), 16);
            if (digit < 0) {
                return -1;
            }
            id = id << 4 | digit;
        }
        return id;
    }

    @Override
    public String media() {
        return "video";
    }

    @Override
    public RtpMap rtpMap() {
        return new RtpMap(payloadType, ENCODING, CLOCK_RATE, 0);
    }

    @Override
    public FormatParameters formatParameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("packetization-mode", Integer.toString(packetizationMode));
        if (profileLevelId >= 0) {
            p.put("profile-level-id", String.format("%06x", profileLevelId));
        }
        format.ifPresent(f -> {
            List<byte[]> units = new ArrayList<>(f.sps());
            units.addAll(f.pps());
            p.put("sprop-parameter-sets", ParameterSetList.encode(units));
        });
        return new FormatParameters(payloadType, p);
    }
}
