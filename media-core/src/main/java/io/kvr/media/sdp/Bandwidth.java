package io.kvr.media.sdp;

/**
 * One {@code b=} line (RFC 8866 5.8): {@code b=<type>:<value>}, e.g. {@code AS} in kilobits per second.
 *
 * @param type bandwidth type, e.g. {@code AS}, {@code TIAS}, {@code RR}
 * @param value bandwidth, 0 to 2^31-1, in the type's unit
 */
public record Bandwidth(String type, long value) {

    /** Application-specific maximum, in kilobits per second (RFC 8866 5.8). */
    public static final String APPLICATION_SPECIFIC = "AS";

    public Bandwidth {
        SdpText.requireField(type, "bandwidth type");
        if (type.isEmpty() || type.indexOf(':') >= 0 || value < 0 || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bandwidth " + type + ":" + value);
        }
    }

    /** The line's value, after {@code b=}. */
    String format() {
        return type + ":" + value;
    }
}
