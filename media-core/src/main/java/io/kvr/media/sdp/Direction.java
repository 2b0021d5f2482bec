package io.kvr.media.sdp;

import java.util.Optional;

/** Direction of a session or media section (RFC 8866 6.7); {@link #SENDRECV} when none is given. */
public enum Direction {
    SENDRECV("sendrecv"),
    SENDONLY("sendonly"),
    RECVONLY("recvonly"),
    INACTIVE("inactive");

    private final String attribute;

    Direction(String attribute) {
        this.attribute = attribute;
    }

    /** The attribute name, e.g. {@code recvonly}. */
    public String attribute() {
        return attribute;
    }

    /** The direction an attribute name states, if it is one of the four (case-insensitive). */
    public static Optional<Direction> ofAttribute(String name) {
        for (Direction d : values()) {
            if (d.attribute.equalsIgnoreCase(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
