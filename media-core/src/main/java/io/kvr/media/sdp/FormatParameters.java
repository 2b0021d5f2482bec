package io.kvr.media.sdp;

import io.kvr.media.rtp.RtpFormatException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An {@code a=fmtp:} attribute (RFC 8866 6.15) in the {@code <key>=<value>;...} form every payload format kvr
 * handles uses (RFC 6184 8.1, RFC 7798 7.1, RFC 3640 4.1, RFC 6416 7, RFC 7587 7). Keys are case-insensitive in
 * those formats, so they are kept in lower case; values as written.
 *
 * @param payloadType the payload type the parameters are for
 * @param parameters lower-case key to value (empty for a key without {@code =}), in the order written
 */
public record FormatParameters(int payloadType, Map<String, String> parameters) {

    public FormatParameters {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type " + payloadType);
        }
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            String key = SdpText.requireField(e.getKey(), "format parameter name");
            String value = SdpText.requireLine(e.getValue(), "format parameter " + key);
            if (key.isEmpty()
                    || !key.equals(key.toLowerCase(Locale.ROOT))
                    || key.indexOf('=') >= 0
                    || key.indexOf(';') >= 0
                    || value.indexOf(';') >= 0) {
                throw new IllegalArgumentException("format parameter " + key + "=" + value);
            }
            copy.put(key, value);
        }
        parameters = Collections.unmodifiableMap(copy);
    }

    /** No parameters for {@code payloadType}. */
    public static FormatParameters none(int payloadType) {
        return new FormatParameters(payloadType, Map.of());
    }

    /**
     * Parses an fmtp attribute's value, e.g. {@code 96 packetization-mode=1; sprop-parameter-sets=Z0IA,aM4=}: white
     * space around keys and values and empty items (a trailing {@code ;}) are tolerated; a value keeps any
     * {@code =} after the first (base64 padding). A repeated key keeps its first value.
     */
    public static FormatParameters parse(String value) throws RtpFormatException {
        String v = value.strip();
        int end = 0;
        while (end < v.length() && !Character.isWhitespace(v.charAt(end))) {
            end++;
        }
        int payloadType = SdpText.decimal(v.substring(0, end), 127, "fmtp payload type");
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String item : v.substring(end).split(";")) {
            String entry = item.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int equals = entry.indexOf('=');
            String key =
                    (equals < 0 ? entry : entry.substring(0, equals)).strip().toLowerCase(Locale.ROOT);
            String val = equals < 0 ? "" : entry.substring(equals + 1).strip();
            if (key.isEmpty() || hasWhitespace(key)) {
                throw new RtpFormatException("fmtp parameter '" + entry + "' has no name");
            }
            parameters.putIfAbsent(key, val);
        }
        return new FormatParameters(payloadType, parameters);
    }

    /** The value of {@code key} (any case). */
    public Optional<String> get(String key) {
        return Optional.ofNullable(parameters.get(key.toLowerCase(Locale.ROOT)));
    }

    /** A decimal parameter, or {@code absent} when it is not given. */
    public int integer(String key, int absent) throws RtpFormatException {
        Optional<String> v = get(key);
        return v.isEmpty() ? absent : SdpText.decimal(v.get(), Integer.MAX_VALUE, "fmtp " + key);
    }

    /** A 0/1 parameter (e.g. RFC 6416 7.3 {@code cpresent}, RFC 7587 7.1 {@code sprop-stereo}), or {@code absent}. */
    public boolean flag(String key, boolean absent) throws RtpFormatException {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return absent;
        }
        return switch (value.get()) {
            case "0" -> false;
            case "1" -> true;
            default -> throw new RtpFormatException("fmtp " + key + " '" + value.get() + "' is neither 0 nor 1");
        };
    }

    /** The attribute's value, e.g. {@code 96 packetization-mode=1;profile-level-id=42c01e}. */
    public String format() {
        StringBuilder out = new StringBuilder().append(payloadType);
        char separator = ' ';
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            out.append(separator).append(e.getKey());
            if (!e.getValue().isEmpty()) {
                out.append('=').append(e.getValue());
            }
            separator = ';';
        }
        return out.toString();
    }

    private static boolean hasWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
