package io.kvr.media.sdp;

import io.kvr.media.rtp.RtpFormatException;
import java.util.List;
import java.util.Optional;

/**
 * One media section (RFC 8866 5.14): the {@code m=} line and the {@code c=}, {@code b=} and {@code a=} lines after
 * it. Attributes are kept as written, in order; the accessors read the ones RTSP needs.
 *
 * @param media media type: {@code video}, {@code audio}, {@code application}, ...
 * @param port transport port (0 in RTSP descriptions: RTSP SETUP chooses the transport)
 * @param protocol transport protocol, e.g. {@code RTP/AVP}
 * @param formats media formats: RTP payload types in decimal for the RTP protocols
 * @param connection the {@code c=} value, e.g. {@code IN IP4 0.0.0.0}, if the section has one
 * @param bandwidths the {@code b=} lines
 * @param attributes the {@code a=} lines
 */
public record MediaDescription(
        String media,
        int port,
        String protocol,
        List<String> formats,
        Optional<String> connection,
        List<Bandwidth> bandwidths,
        List<Attribute> attributes) {

    public MediaDescription {
        SdpText.requireField(media, "media");
        SdpText.requireField(protocol, "protocol");
        formats = List.copyOf(formats);
        for (String format : formats) {
            SdpText.requireField(format, "media format");
            if (format.isEmpty()) {
                throw new IllegalArgumentException("empty media format");
            }
        }
        connection.ifPresent(c -> SdpText.requireLine(c, "connection"));
        bandwidths = List.copyOf(bandwidths);
        attributes = List.copyOf(attributes);
        if (media.isEmpty() || protocol.isEmpty() || port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("m=" + media + " " + port + " " + protocol);
        }
    }

    /** The first payload type of the {@code m=} line, or -1 when it names none or is not RTP. */
    public int payloadType() {
        if (formats.isEmpty()) {
            return -1;
        }
        try {
            return SdpText.decimal(formats.getFirst(), 127, "payload type");
        } catch (RtpFormatException e) {
            return -1;
        }
    }

    /** The value of the first attribute called {@code name} (case-insensitive). */
    public Optional<String> attribute(String name) {
        return SessionDescription.attribute(attributes, name);
    }

    /** The {@code a=control:} URL (RFC 7826 C.1.1), absolute or relative to the content base. */
    public Optional<String> control() {
        return attribute("control");
    }

    /** The direction this section states, if it states one (RFC 8866 6.7). */
    public Optional<Direction> direction() {
        return SessionDescription.direction(attributes);
    }

    /** The {@code b=AS:} bandwidth in kilobits per second, if given. */
    public Optional<Long> applicationBandwidth() {
        return SessionDescription.applicationBandwidth(bandwidths);
    }

    /**
     * The rtpmap of {@code payloadType}: its {@code a=rtpmap:} attribute, or the RFC 3551 default of a static type
     * without one; empty when neither exists.
     *
     * @throws RtpFormatException if the type's rtpmap attribute is malformed
     */
    public Optional<RtpMap> rtpMap(int payloadType) throws RtpFormatException {
        for (Attribute a : attributes) {
            if (a.name().equalsIgnoreCase("rtpmap") && leadingPayloadType(a.value()) == payloadType) {
                return Optional.of(RtpMap.parse(a.value()));
            }
        }
        return RtpMap.staticPayloadType(payloadType);
    }

    /**
     * The format parameters of {@code payloadType}, none when there is no {@code a=fmtp:} for it.
     *
     * @throws RtpFormatException if the type's fmtp attribute is malformed
     */
    public FormatParameters formatParameters(int payloadType) throws RtpFormatException {
        for (Attribute a : attributes) {
            if (a.name().equalsIgnoreCase("fmtp") && leadingPayloadType(a.value()) == payloadType) {
                return FormatParameters.parse(a.value());
            }
        }
        return FormatParameters.none(payloadType);
    }

    /**
     * This section's control URL resolved against the content base (RFC 7826 C.1.1): see {@link
     * ControlUrl#resolve}. Without {@code a=control:} the section is controlled at the base itself.
     */
    public String controlUrl(String contentBase) {
        return ControlUrl.resolve(contentBase, control().orElse("*"));
    }

    /** The payload type an rtpmap or fmtp value starts with, -1 when it does not start with one. */
    private static int leadingPayloadType(String value) {
        int n = 0;
        int i = 0;
        while (i < value.length() && i < 4 && value.charAt(i) >= '0' && value.charAt(i) <= '9') {
            n = n * 10 + value.charAt(i) - '0';
            i++;
        }
        boolean ends = i == value.length() || Character.isWhitespace(value.charAt(i));
        return i > 0 && ends ? n : -1;
    }
}
