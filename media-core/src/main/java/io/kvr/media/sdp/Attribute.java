package io.kvr.media.sdp;

import java.util.Objects;

/**
 * One {@code a=} line (RFC 8866 5.13): {@code a=name:value}, or a property attribute {@code a=name} with an empty
 * value.
 */
public record Attribute(String name, String value) {

    public Attribute {
        SdpText.requireField(name, "attribute name");
        SdpText.requireLine(Objects.requireNonNull(value, "value"), "attribute value");
        if (name.isEmpty() || name.indexOf(':') >= 0) {
            throw new IllegalArgumentException("attribute name '" + name + "'");
        }
    }

    /** The line's value, after {@code a=}. */
    String format() {
        return value.isEmpty() ? name : name + ":" + value;
    }
}
