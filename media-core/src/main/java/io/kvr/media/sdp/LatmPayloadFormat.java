package io.kvr.media.sdp;

import io.kvr.media.rtp.RtpFormatException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * AAC over RTP in LATM, {@code MP4A-LATM} (RFC 6416 7.3). The StreamMuxConfig is handed on as it is: the LATM
 * depacketizer reads it.
 *
 * @param payloadType RTP payload type
 * @param clockRate RTP clock rate
 * @param channels channels the rtpmap states, 0 when none
 * @param muxConfigPresent {@code cpresent}: whether the StreamMuxConfig is in band; true when absent (7.3)
 * @param streamMuxConfig the StreamMuxConfig of {@code config}, empty when absent; owned by the record
 */
public record LatmPayloadFormat(
        int payloadType, int clockRate, int channels, boolean muxConfigPresent, byte[] streamMuxConfig)
        implements PayloadFormat {

    static final String ENCODING = "MP4A-LATM";

    public LatmPayloadFormat {
        if (payloadType < 0 || payloadType > 127 || clockRate <= 0 || channels < 0 || channels > 255) {
            throw new IllegalArgumentException(
                    "MP4A-LATM payload " + payloadType + " at " + clockRate + " Hz, " + channels + " channels");
        }
        streamMuxConfig = streamMuxConfig.clone();
    }

    static LatmPayloadFormat of(RtpMap rtpMap, FormatParameters parameters) throws RtpFormatException {
        boolean present = parameters.flag("cpresent", true);
        Optional<String> config = parameters.get("config");
        byte[] muxConfig = config.isEmpty() ? new byte[0] : SdpText.hex(config.get(), "config");
        return new LatmPayloadFormat(rtpMap.payloadType(), rtpMap.clockRate(), rtpMap.channels(), present, muxConfig);
    }

    /** A copy of the StreamMuxConfig bytes. */
    @Override
    public byte[] streamMuxConfig() {
        return streamMuxConfig.clone();
    }

    @Override
    public String media() {
        return "audio";
    }

    @Override
    public RtpMap rtpMap() {
        return new RtpMap(payloadType, ENCODING, clockRate, channels);
    }

    @Override
    public FormatParameters formatParameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("cpresent", muxConfigPresent ? "1" : "0");
        if (streamMuxConfig.length > 0) {
            p.put("config", SdpText.hex(streamMuxConfig));
        }
        return new FormatParameters(payloadType, p);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatmPayloadFormat f
                && f.payloadType == payloadType
                && f.clockRate == clockRate
                && f.channels == channels
                && f.muxConfigPresent == muxConfigPresent
                && Arrays.equals(f.streamMuxConfig, streamMuxConfig);
    }

    @Override
    public int hashCode() {
        return ((payloadType * 31 + clockRate) * 31 + channels) * 62
                + (muxConfigPresent ? 1 : 0)
                + 31 * Arrays.hashCode(streamMuxConfig);
    }

    @Override
    public String toString() {
        return "LatmPayloadFormat[pt=" + payloadType + ", " + clockRate + " Hz, " + channels + " ch, cpresent="
                + (muxConfigPresent ? 1 : 0) + ", config=" + SdpText.hex(streamMuxConfig) + "]";
    }
}
