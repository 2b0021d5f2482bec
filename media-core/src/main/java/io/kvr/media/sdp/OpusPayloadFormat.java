package io.kvr.media.sdp;

import io.kvr.media.rtp.RtpFormatException;
import java.util.Map;

/**
 * Opus over RTP (RFC 7587): always {@code opus/48000/2} in the rtpmap (7), whatever the stream's channels.
 *
 * @param payloadType RTP payload type
 * @param stereo {@code sprop-stereo}: whether the sender is likely to send stereo; false when absent (7.1)
 */
public record OpusPayloadFormat(int payloadType, boolean stereo) implements PayloadFormat {

    static final String ENCODING = "OPUS";

    /** RFC 7587 4.1: the RTP clock is 48 kHz whatever the rate Opus encodes at. */
    public static final int CLOCK_RATE = 48000;

    public OpusPayloadFormat {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("Opus payload type " + payloadType);
        }
    }

    static OpusPayloadFormat of(RtpMap rtpMap, FormatParameters parameters) throws RtpFormatException {
        return new OpusPayloadFormat(rtpMap.payloadType(), parameters.flag("sprop-stereo", false));
    }

    @Override
    public String media() {
        return "audio";
    }

    @Override
    public RtpMap rtpMap() {
        return new RtpMap(payloadType, "opus", CLOCK_RATE, 2);
    }

    @Override
    public FormatParameters formatParameters() {
        return new FormatParameters(payloadType, Map.of("sprop-stereo", stereo ? "1" : "0"));
    }
}
