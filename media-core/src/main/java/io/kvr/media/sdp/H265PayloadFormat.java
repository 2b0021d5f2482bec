package io.kvr.media.sdp;

import io.kvr.media.codec.VideoCodec;
import io.kvr.media.codec.VideoFormat;
import io.kvr.media.rtp.RtpFormatException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * H.265 over RTP (RFC 7798), clock rate 90000 (7.1).
 *
 * @param payloadType RTP payload type
 * @param maxDonDiff {@code sprop-max-don-diff} (7.1): above 0, payloads carry decoding order numbers; 0 when absent
 * @param format the parameter sets of {@code sprop-vps}, {@code sprop-sps} and {@code sprop-pps} with the size of
 *     the first SPS; empty when one of them is absent (they come in band)
 */
public record H265PayloadFormat(int payloadType, int maxDonDiff, Optional<VideoFormat> format)
        implements PayloadFormat {

    static final String ENCODING = "H265";

    /** RFC 7798 7.1. */
    public static final int CLOCK_RATE = 90000;

    /** Largest {@code sprop-max-don-diff} (RFC 7798 7.1). */
    public static final int MAX_DON_DIFF = 32767;

    public H265PayloadFormat {
        if (payloadType < 0 || payloadType > 127 || maxDonDiff < 0 || maxDonDiff > MAX_DON_DIFF) {
            throw new IllegalArgumentException("H.265 payload " + payloadType + " max DON diff " + maxDonDiff);
        }
        if (format.isPresent() && format.get().codec() != VideoCodec.H265) {
            throw new IllegalArgumentException(
                    "H.265 payload with " + format.get().codec() + " parameter sets");
        }
    }

    /** The format kvr sends: no decoding order numbers, parameter sets out of band. */
    public static H265PayloadFormat of(int payloadType, VideoFormat format) {
        return new H265PayloadFormat(payloadType, 0, Optional.of(format));
    }

    static H265PayloadFormat of(RtpMap rtpMap, FormatParameters parameters) throws RtpFormatException {
        int maxDonDiff = parameters.integer("sprop-max-don-diff", 0);
        if (maxDonDiff > MAX_DON_DIFF) {
            throw new RtpFormatException("sprop-max-don-diff " + maxDonDiff + " over " + MAX_DON_DIFF);
        }
        List<byte[]> vps = units(parameters, "sprop-vps");
        List<byte[]> sps = units(parameters, "sprop-sps");
        List<byte[]> pps = units(parameters, "sprop-pps");
        Optional<VideoFormat> format = ParameterSetList.videoFormat(VideoCodec.H265, vps, sps, pps, "sprop-sps");
        return new H265PayloadFormat(rtpMap.payloadType(), maxDonDiff, format);
    }

    private static List<byte[]> units(FormatParameters parameters, String name) throws RtpFormatException {
        Optional<String> value = parameters.get(name);
        return value.isEmpty() ? List.of() : ParameterSetList.decode(value.get(), name);
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
        if (maxDonDiff > 0) {
            p.put("sprop-max-don-diff", Integer.toString(maxDonDiff));
        }
        format.ifPresent(f -> {
            p.put("sprop-vps", ParameterSetList.encode(f.vps()));
            p.put("sprop-sps", ParameterSetList.encode(f.sps()));
            p.put("sprop-pps", ParameterSetList.encode(f.pps()));
        });
        return new FormatParameters(payloadType, p);
    }
}
