package io.kvr.media.sdp;

import io.kvr.media.rtp.RtpFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads SDP text line by line (RFC 8866 5). Peers differ, so it tolerates what does not hurt: LF or CR alone,
 * blank lines, white space around values, lines of unknown type and lines that are not {@code <type>=<value>}
 * (skipped), attributes whose name is not a token and {@code b=} lines that do not parse (skipped), repeated
 * {@code o=}/{@code s=}/{@code t=} (the first counts). It refuses what it cannot read around: no leading {@code v=0},
 * a malformed {@code m=} line, and input over the limits.
 */
final class SessionDescriptionReader {

    private String origin = "";
    private String sessionName = "";
    private Optional<String> connection = Optional.empty();
    private final List<Bandwidth> bandwidths = new ArrayList<>();
    private String timing;
    private final List<Attribute> attributes = new ArrayList<>();
    private final List<MediaDescription> media = new ArrayList<>();

    private Section section;

    private SessionDescriptionReader() {}

    static SessionDescription read(String text) throws RtpFormatException {
        return new SessionDescriptionReader().parse(text);
    }

    private SessionDescription parse(String text) throws RtpFormatException {
        if (text.indexOf(0) >= 0) {
            throw new RtpFormatException("session description holds a NUL character");
        }
        boolean versionSeen = false;
        // A UTF-8 byte order mark, as text editors and some device firmware write one, is not part of the text.
        int start = text.startsWith("\uFEFF") ? 1 : 0;
        while (start < text.length()) {
            int end = start;
            while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            if (end - start > SessionDescription.MAX_LINE_LENGTH) {
                throw new RtpFormatException(
                        "SDP line of " + (end - start) + " characters, over " + SessionDescription.MAX_LINE_LENGTH);
            }
            String line = text.substring(start, end).strip();
            start = end + 1;
            if (line.length() < 2 || line.charAt(1) != '=') {
                if (!versionSeen && !line.isEmpty()) {
                    throw new RtpFormatException("not a session description: it does not start with v=");
                }
                continue;
            }
            char type = line.charAt(0);
            String value = line.substring(2).strip();
            if (!versionSeen) {
                if (type != 'v' || !value.equals("0")) {
                    throw new RtpFormatException("not a session description: first line is not v=0");
                }
                versionSeen = true;
                continue;
            }
            accept(type, value);
        }
        if (!versionSeen) {
            throw new RtpFormatException("empty session description");
        }
        endSection();
        return new SessionDescription(
                origin,
                sessionName,
                connection,
                bandwidths,
                timing == null ? SessionDescription.UNBOUNDED : timing,
                attributes,
                media);
    }

    private void accept(char type, String value) throws RtpFormatException {
        switch (type) {
            case 'm' -> {
                endSection();
                if (media.size() == SessionDescription.MAX_MEDIA_SECTIONS) {
                    throw new RtpFormatException(
                            "more than " + SessionDescription.MAX_MEDIA_SECTIONS + " media sections");
                }
                section = Section.parse(value);
            }
            case 'c' -> {
                if (section != null) {
                    section.connection = section.connection.or(() -> Optional.of(value));
                } else {
                    connection = connection.or(() -> Optional.of(value));
                }
            }
            case 'b' -> bandwidth(value).ifPresent(section != null ? section.bandwidths::add : bandwidths::add);
            case 'a' -> attribute(value).ifPresent(section != null ? section.attributes::add : attributes::add);
            case 'o' -> {
                if (section == null && origin.isEmpty()) {
                    origin = value;
                }
            }
            case 's' -> {
                if (section == null && sessionName.isEmpty()) {
                    sessionName = value;
                }
            }
            case 't' -> {
                if (section == null && timing == null) {
                    timing = value;
                }
            }
            default -> {
                // i=, u=, e=, p=, r=, z=, k= and unknown types carry nothing RTSP needs (RFC 8866 5).
            }
        }
    }

    private void endSection() {
        if (section != null) {
            media.add(section.toMediaDescription());
            section = null;
        }
    }

    /** {@code <name>[:<value>]}; empty when the name is not a token (RFC 8866 9, {@code att-field}). */
    private static Optional<Attribute> attribute(String value) {
        int colon = value.indexOf(':');
        String name = (colon < 0 ? value : value.substring(0, colon)).strip();
        String v = colon < 0 ? "" : value.substring(colon + 1).strip();
        if (name.isEmpty() || hasWhitespace(name)) {
            return Optional.empty();
        }
        return Optional.of(new Attribute(name, v));
    }

    /** {@code <type>:<value>}; empty when it does not parse. */
    private static Optional<Bandwidth> bandwidth(String value) {
        int colon = value.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String type = value.substring(0, colon).strip();
        try {
            long v = SdpText.decimal(value.substring(colon + 1).strip(), Integer.MAX_VALUE, "bandwidth");
            return type.isEmpty() || hasWhitespace(type) ? Optional.empty() : Optional.of(new Bandwidth(type, v));
        } catch (RtpFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean hasWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** A media section being read. */
    private static final class Section {
        private final String media;
        private final int port;
        private final String protocol;
        private final List<String> formats;
        private Optional<String> connection = Optional.empty();
        private final List<Bandwidth> bandwidths = new ArrayList<>();
        private final List<Attribute> attributes = new ArrayList<>();

        private Section(String media, int port, String protocol, List<String> formats) {
            this.media = media;
            this.port = port;
            this.protocol = protocol;
            this.formats = formats;
        }

        /** {@code <media> <port>[/<number of ports>] <proto> <fmt> ...} (RFC 8866 5.14). */
        static Section parse(String value) throws RtpFormatException {
            List<String> tokens = tokens(value);
            if (tokens.size() < 3) {
                throw new RtpFormatException("m= line '" + value + "' lacks media, port or protocol");
            }
            String portField = tokens.get(1);
            int slash = portField.indexOf('/');
            int port = SdpText.decimal(slash < 0 ? portField : portField.substring(0, slash), 0xffff, "m= port");
            return new Section(tokens.get(0), port, tokens.get(2), tokens.subList(3, tokens.size()));
        }

        private static List<String> tokens(String value) {
            List<String> tokens = new ArrayList<>();
            int i = 0;
            while (i < value.length()) {
                while (i < value.length() && Character.isWhitespace(value.charAt(i))) {
                    i++;
                }
                int start = i;
                while (i < value.length() && !Character.isWhitespace(value.charAt(i))) {
                    i++;
                }
                if (i > start) {
                    tokens.add(value.substring(start, i));
                }
            }
            return tokens;
        }

        MediaDescription toMediaDescription() {
            return new MediaDescription(media, port, protocol, formats, connection, bandwidths, attributes);
        }
    }
}
