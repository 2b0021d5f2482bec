package io.kvr.media.sdp;

import io.kvr.media.rtp.RtpFormatException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * A session description (RFC 8866) as RTSP peers send it in ANNOUNCE and DESCRIBE: session-level lines, then the
 * media sections. Parsing is lenient where peers differ (CRLF or LF, unknown lines and attributes, white space)
 * and bounded: see {@link #MAX_SIZE}, {@link #MAX_LINE_LENGTH}, {@link #MAX_MEDIA_SECTIONS}. Writing gives the
 * RFC 8866 5 line order with CRLF, and parses back to an equal description.
 *
 * @param origin the {@code o=} value, e.g. {@code - 0 0 IN IP4 127.0.0.1}; empty when missing
 * @param sessionName the {@code s=} value; empty when missing or a single space
 * @param connection the session-level {@code c=} value, if any
 * @param bandwidths the session-level {@code b=} lines
 * @param timing the first {@code t=} value; {@code 0 0} (unbounded) when missing
 * @param attributes the session-level {@code a=} lines
 * @param media the media sections, in order
 */
public record SessionDescription(
        String origin,
        String sessionName,
        Optional<String> connection,
        List<Bandwidth> bandwidths,
        String timing,
        List<Attribute> attributes,
        List<MediaDescription> media) {

    /** Largest description accepted, in bytes (characters for {@link #parse(String)}). */
    public static final int MAX_SIZE = 64 * 1024;

    /** Longest line accepted, in characters: room for the parameter sets of any camera seen. */
    public static final int MAX_LINE_LENGTH = 16 * 1024;

    /** Most media sections accepted. */
    public static final int MAX_MEDIA_SECTIONS = 64;

    /** {@code t=0 0}: a session without bounds (RFC 8866 5.9). */
    public static final String UNBOUNDED = "0 0";

    public SessionDescription {
        SdpText.requireLine(origin, "origin");
        SdpText.requireLine(sessionName, "session name");
        connection.ifPresent(c -> SdpText.requireLine(c, "connection"));
        bandwidths = List.copyOf(bandwidths);
        SdpText.requireLine(timing, "timing");
        attributes = List.copyOf(attributes);
        media = List.copyOf(media);
        if (media.size() > MAX_MEDIA_SECTIONS) {
            throw new IllegalArgumentException(media.size() + " media sections");
        }
    }

    /**
     * Parses a description received as bytes (the body of an RTSP message). Text is read as UTF-8 (RFC 8866 5.13
     * default charset); bytes that are not UTF-8 become U+FFFD rather than failing.
     *
     * @throws RtpFormatException if it is not a session description (no leading {@code v=0}), is larger than {@link
     *     #MAX_SIZE}, has a line longer than {@link #MAX_LINE_LENGTH}, more than {@link #MAX_MEDIA_SECTIONS} media
     *     sections, or an {@code m=} line that does not parse
     */
    public static SessionDescription parse(byte[] data, int offset, int length) throws RtpFormatException {
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new IndexOutOfBoundsException(offset + "+" + length + " of " + data.length);
        }
        if (length > MAX_SIZE) {
            throw new RtpFormatException("session description of " + length + " bytes, over " + MAX_SIZE);
        }
        return SessionDescriptionReader.read(new String(data, offset, length, StandardCharsets.UTF_8));
    }

    /** Parses a description already decoded to text; see {@link #parse(byte[], int, int)}. */
    public static SessionDescription parse(String text) throws RtpFormatException {
        if (text.length() > MAX_SIZE) {
            throw new RtpFormatException("session description of " + text.length() + " characters, over " + MAX_SIZE);
        }
        return SessionDescriptionReader.read(text);
    }

    /** The description as text: RFC 8866 5 line order, CRLF line ends, {@code v=0} first. */
    public String format() {
        StringBuilder out = new StringBuilder(256);
        line(out, 'v', "0");
        line(out, 'o', origin);
        line(out, 's', sessionName);
        connection.ifPresent(c -> line(out, 'c', c));
        bandwidths.forEach(b -> line(out, 'b', b.format()));
        line(out, 't', timing);
        attributes.forEach(a -> line(out, 'a', a.format()));
        for (MediaDescription m : media) {
            StringBuilder mLine = new StringBuilder()
                    .append(m.media())
                    .append(' ')
                    .append(m.port())
                    .append(' ')
                    .append(m.protocol());
            m.formats().forEach(f -> mLine.append(' ').append(f));
            line(out, 'm', mLine.toString());
            m.connection().ifPresent(c -> line(out, 'c', c));
            m.bandwidths().forEach(b -> line(out, 'b', b.format()));
            m.attributes().forEach(a -> line(out, 'a', a.format()));
        }
        return out.toString();
    }

    /** {@link #format()} as UTF-8 bytes, the body of an RTSP message. */
    public byte[] toBytes() {
        return format().getBytes(StandardCharsets.UTF_8);
    }

    /** The value of the first session-level attribute called {@code name} (case-insensitive). */
    public Optional<String> attribute(String name) {
        return attribute(attributes, name);
    }

    /** The session-level {@code a=control:} URL (RFC 7826 C.1.1), usually {@code *} or absolute. */
    public Optional<String> control() {
        return attribute("control");
    }

    /** The aggregate control URL against the content base; the base itself without {@code a=control:}. */
    public String controlUrl(String contentBase) {
        return ControlUrl.resolve(contentBase, control().orElse("*"));
    }

    /** The session-level {@code a=range:} value (RFC 7826 C.1.5), e.g. {@code npt=now-} or {@code npt=0-7.7}. */
    public Optional<String> range() {
        return attribute("range");
    }

    /** The session-level direction; {@link Direction#SENDRECV} when none is stated (RFC 8866 6.7). */
    public Direction direction() {
        return direction(attributes).orElse(Direction.SENDRECV);
    }

    /** The direction of a media section: its own, else the session's (RFC 8866 6.7). */
    public Direction direction(MediaDescription section) {
        return section.direction().orElseGet(this::direction);
    }

    /** The session-level {@code b=AS:} bandwidth in kilobits per second, if given. */
    public Optional<Long> applicationBandwidth() {
        return applicationBandwidth(bandwidths);
    }

    static Optional<String> attribute(List<Attribute> attributes, String name) {
        for (Attribute a : attributes) {
            if (a.name().equalsIgnoreCase(name)) {
                return Optional.of(a.value());
            }
        }
        return Optional.empty();
    }

    static Optional<Direction> direction(List<Attribute> attributes) {
        for (Attribute a : attributes) {
            Optional<Direction> d = Direction.ofAttribute(a.name());
            if (d.isPresent()) {
                return d;
            }
        }
        return Optional.empty();
    }

    static Optional<Long> applicationBandwidth(List<Bandwidth> bandwidths) {
        for (Bandwidth b : bandwidths) {
            if (b.type().equalsIgnoreCase(Bandwidth.APPLICATION_SPECIFIC)) {
                return Optional.of(b.value());
            }
        }
        return Optional.empty();
    }

    private static void line(StringBuilder out, char type, String value) {
        out.append(type).append('=').append(value).append("\r\n");
    }
}
