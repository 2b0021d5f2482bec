package io.kvr.media.sdp;

/**
 * G.711 audio (RFC 3551 4.5.14): {@code PCMU} (mu-law, static payload type 0) or {@code PCMA} (A-law, 8), 8-bit
 * samples at the clock rate.
 *
 * @param payloadType RTP payload type: 0 or 8, or a dynamic one for rates other than 8000
 * @param muLaw PCMU when true, PCMA when false
 * @param clockRate sampling rate, 8000 for the static types
 * @param channels interleaved channels, 1 or more
 */
public record G711PayloadFormat(int payloadType, boolean muLaw, int clockRate, int channels) implements PayloadFormat {

    static final String MU_LAW = "PCMU";
    static final String A_LAW = "PCMA";

    public G711PayloadFormat {
        if (payloadType < 0 || payloadType > 127 || clockRate <= 0 || channels < 1 || channels > 255) {
            throw new IllegalArgumentException(
                    "G.711 payload " + payloadType + " at " + clockRate + " Hz, " + channels + " channels");
        }
    }

    /** Static payload type 0 (PCMU) or 8 (PCMA) at 8000 Hz, mono (RFC 3551 Table 4). */
    public static G711PayloadFormat telephony(boolean muLaw) {
        return new G711PayloadFormat(muLaw ? 0 : 8, muLaw, 8000, 1);
    }

    static G711PayloadFormat of(RtpMap rtpMap) {
        return new G711PayloadFormat(
                rtpMap.payloadType(), rtpMap.isEncoding(MU_LAW), rtpMap.clockRate(), rtpMap.channelCount());
    }

    @Override
    public String media() {
        return "audio";
    }

    @Override
    public RtpMap rtpMap() {
        return new RtpMap(payloadType, muLaw ? MU_LAW : A_LAW, clockRate, channels == 1 ? 0 : channels);
    }

    @Override
    public FormatParameters formatParameters() {
        return FormatParameters.none(payloadType);
    }
}
