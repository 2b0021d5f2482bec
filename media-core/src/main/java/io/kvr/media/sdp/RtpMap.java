package io.kvr.media.sdp;

import io.kvr.media.rtp.RtpFormatException;
import java.util.Optional;

/**
 * An {@code a=rtpmap:} attribute (RFC 8866 6.6): {@code <payload type> <encoding name>/<clock rate>[/<channels>]}.
 *
 * @param payloadType RTP payload type, 0..127
 * @param encoding encoding name as the peer wrote it; compare with {@link #isEncoding}, names are case-insensitive
 * @param clockRate RTP timestamp clock rate in Hz
 * @param channels audio channels as stated, or 0 when the attribute states none (then 1, RFC 8866 6.6)
 */
public record RtpMap(int payloadType, String encoding, int clockRate, int channels) {

    public RtpMap {
        SdpText.requireField(encoding, "encoding name");
        if (payloadType < 0
                || payloadType > 127
                || encoding.isEmpty()
                || encoding.indexOf('/') >= 0
                || clockRate <= 0
                || channels < 0) {
            throw new IllegalArgumentException(
                    "rtpmap " + payloadType + " " + encoding + "/" + clockRate + "/" + channels);
        }
    }

    /**
     * The static payload types kvr may meet without an rtpmap (RFC 3551 6, Tables 4 and 5): 0 PCMU/8000,
     * 8 PCMA/8000, 14 MPA/90000, 26 JPEG/90000, 32 MPV/90000, 33 MP2T/90000.
     */
    public static Optional<RtpMap> staticPayloadType(int payloadType) {
        return Optional.ofNullable(
                switch (payloadType) {
                    case 0 -> new RtpMap(0, "PCMU", 8000, 1);
                    case 8 -> new RtpMap(8, "PCMA", 8000, 1);
                    case 14 -> new RtpMap(14, "MPA", 90000, 0);
                    case 26 -> new RtpMap(26, "JPEG", 90000, 0);
                    case 32 -> new RtpMap(32, "MPV", 90000, 0);
                    case 33 -> new RtpMap(33, "MP2T", 90000, 0);
                    default -> null;
                });
    }

    /**
     * Parses an rtpmap attribute's value, e.g. {@code 97 MPEG4-GENERIC/48000/2}; white space around the parts is
     * tolerated.
     */
    public static RtpMap parse(String value) throws RtpFormatException {
        String v = value.strip();
        int space = indexOfWhitespace(v);
        if (space < 0) {
            throw new RtpFormatException("rtpmap '" + value + "' has no encoding");
        }
        int payloadType = SdpText.decimal(v.substring(0, space), 127, "rtpmap payload type");
        String[] parts = v.substring(space).strip().split("/", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].strip().isEmpty()) {
            throw new RtpFormatException("rtpmap '" + value + "' is not <encoding>/<clock rate>[/<channels>]");
        }
        String encoding = parts[0].strip();
        if (indexOfWhitespace(encoding) >= 0) {
            throw new RtpFormatException("rtpmap encoding '" + encoding + "' holds white space");
        }
        int clockRate = SdpText.decimal(parts[1].strip(), Integer.MAX_VALUE, "rtpmap clock rate");
        if (clockRate == 0) {
            throw new RtpFormatException("rtpmap clock rate 0");
        }
        int channels = parts.length == 3 ? SdpText.decimal(parts[2].strip(), 255, "rtpmap channels") : 0;
        return new RtpMap(payloadType, encoding, clockRate, channels);
    }

    /** Whether the encoding name is {@code name}, ignoring case (RFC 8866 6.6). */
    public boolean isEncoding(String name) {
        return encoding.equalsIgnoreCase(name);
    }

    /** Channels, 1 when none are stated. */
    public int channelCount() {
        return channels == 0 ? 1 : channels;
    }

    /** The attribute's value, e.g. {@code 96 H264/90000}. */
    public String format() {
        return payloadType + " " + encoding + "/" + clockRate + (channels == 0 ? "" : "/" + channels);
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
