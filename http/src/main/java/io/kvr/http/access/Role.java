package io.kvr.http.access;

import java.util.Locale;
import java.util.Optional;

/**
 * What a route needs and what a credential may do, each role including the ones below it: {@link #VIEWER}
 * watches and downloads recordings, {@link #OPERATOR} also runs export jobs and reads the index, cameras and
 * policies, {@link #ADMIN} also changes cameras and policies. {@link #PUBLIC} routes need no credential at all.
 *
 * <p>{@link #PUBLISHER} stands aside: it pushes streams to the RTSP server and nothing else (a camera's credential
 * should not open the recordings), and of the others only {@link #ADMIN} may push too. Declared below
 * {@link #VIEWER} so that, where a credential names several roles, any of the others counts as the higher.
 */
public enum Role {
    PUBLIC,
    PUBLISHER,
    VIEWER,
    OPERATOR,
    ADMIN;

    /** True when this role may use a route (or a push) that needs {@code needed}. */
    public boolean includes(Role needed) {
        if (needed == PUBLISHER) {
            return this == PUBLISHER || this == ADMIN;
        }
        if (this == PUBLISHER) {
            return needed == PUBLIC;
        }
        return compareTo(needed) >= 0;
    }

    /** The lower-case name used in tokens, JWT claims, the API keys file and {@code kvr token --role}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The role a credential names ({@code viewer}, {@code operator}, {@code admin}, {@code publisher}); empty for
     * anything else.
     */
    public static Optional<Role> ofCredential(String name) {
        return switch (name == null ? "" : name.trim().toLowerCase(Locale.ROOT)) {
            case "viewer" -> Optional.of(VIEWER);
            case "operator" -> Optional.of(OPERATOR);
            case "admin" -> Optional.of(ADMIN);
            case "publisher" -> Optional.of(PUBLISHER);
            default -> Optional.empty();
        };
    }
}
