package io.kvr.http.access;

import java.util.Locale;
import java.util.Optional;

/**
 * What a route needs and what a credential may do, each role including the ones below it: {@link #VIEWER}
 * watches and downloads recordings, {@link #OPERATOR} also runs export jobs and reads the index, cameras and
 * policies, {@link #ADMIN} also changes cameras and policies. {@link #PUBLIC} routes need no credential at all.
 */
public enum Role {
    PUBLIC,
    VIEWER,
    OPERATOR,
    ADMIN;

    /** True when this role may use a route that needs {@code needed}. */
    public boolean includes(Role needed) {
        return compareTo(needed) >= 0;
    }

    /** The lower-case name used in tokens, JWT claims, the API keys file and {@code kvr token --role}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role a credential names ({@code viewer}, {@code operator}, {@code admin}); empty for anything else. */
    public static Optional<Role> ofCredential(String name) {
        return switch (name == null ? "" : name.trim().toLowerCase(Locale.ROOT)) {
            case "viewer" -> Optional.of(VIEWER);
            case "operator" -> Optional.of(OPERATOR);
            case "admin" -> Optional.of(ADMIN);
            default -> Optional.empty();
        };
    }
}
