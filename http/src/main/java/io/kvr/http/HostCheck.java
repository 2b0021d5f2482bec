package io.kvr.http;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which {@code Host} header values a server answers for. A page on an attacker's site can make a browser resolve
 * the attacker's host name to this server's address (DNS rebinding); the browser still sends that name, so a
 * server that answers only for its own names keeps such pages from reading it. An IP literal cannot be rebound, so
 * a server listening on every interface answers for any of them.
 */
final class HostCheck {
    private final Set<String> names = new HashSet<>();
    private final boolean any;
    private final boolean anyIpLiteral;

    HostCheck(String listenHost, List<String> allowed) {
        this.any = allowed.contains("*");
        String listen = normalize(listenHost);
        this.anyIpLiteral = listen.equals("0.0.0.0") || listen.equals("::") || listen.isEmpty();
        names.add(listen);
        names.add("localhost");
        names.add("127.0.0.1");
        names.add("::1");
        for (String a : allowed) {
            names.add(normalize(a));
        }
    }

    /** True when a request naming {@code hostHeader} (host, optional port) may be answered. */
    boolean allows(String hostHeader) {
        if (any) {
            return true;
        }
        String host = hostOf(hostHeader);
        if (host == null) {
            return false;
        }
        return names.contains(host) || (anyIpLiteral && isIpLiteral(host));
    }

    /** The host part of a {@code Host} value, lower case, brackets removed; null when malformed. */
    static String hostOf(String hostHeader) {
        String h = hostHeader.trim();
        if (h.isEmpty()) {
            return null;
        }
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0 || (close + 1 < h.length() && !validPort(h.substring(close + 1)))) {
                return null;
            }
            return h.substring(1, close).toLowerCase(Locale.ROOT);
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            if (!validPort(h.substring(colon))) {
                return null;
            }
            h = h.substring(0, colon);
        }
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && c != '.' && c != '-' && c != '_') {
                return null;
            }
        }
        return h.isEmpty() ? null : h.toLowerCase(Locale.ROOT);
    }

    private static boolean validPort(String colonAndPort) {
        if (colonAndPort.length() < 2 || colonAndPort.length() > 6 || colonAndPort.charAt(0) != ':') {
            return false;
        }
        for (int i = 1; i < colonAndPort.length(); i++) {
            if (colonAndPort.charAt(i) < '0' || colonAndPort.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String normalize(String host) {
        String h = host == null ? "" : host.trim().toLowerCase(Locale.ROOT);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    private static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true; // only IPv6 literals have colons once the port is gone
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }
}
