package io.kvr.http;

import io.kvr.http.access.AccessControl;
import io.kvr.http.access.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Matches a method and path against patterns like {@code /v1/streams}, {@code /{app}/{stream}/index.m3u8} or
 * {@code /{app}/{stream}/{rest*}} (the last segment may capture the remaining path). Literal routes win over
 * parameter routes; earlier registrations win among equals.
 *
 * <p>Every route declares the {@link Role} it needs; the router carries the {@link AccessControl} that
 * {@link HttpService} asks before any handler runs, so no handler can forget the check. A route registered with
 * a {@link Cors} gets its headers on every answer, refusals by the access check included.
 */
public final class Router {
    private final AccessControl access;
    private final List<Route> routes = new ArrayList<>();

    public Router(AccessControl access) {
        this.access = Objects.requireNonNull(access, "a router needs its access control");
    }

    public Router get(String pattern, Role role, Handler handler) {
        return add("GET", pattern, role, handler);
    }

    public Router post(String pattern, Role role, Handler handler) {
        return add("POST", pattern, role, handler);
    }

    public Router put(String pattern, Role role, Handler handler) {
        return add("PUT", pattern, role, handler);
    }

    public Router delete(String pattern, Role role, Handler handler) {
        return add("DELETE", pattern, role, handler);
    }

    public Router add(String method, String pattern, Role role, Handler handler) {
        return add(method, pattern, role, null, handler);
    }

    /** A route whose answers, errors and refusals included, carry the CORS headers of {@code cors}. */
    public Router add(String method, String pattern, Role role, Cors cors, Handler handler) {
        Objects.requireNonNull(role, () -> method + " " + pattern + " must declare the role it needs");
        routes.add(new Route(method, pattern, split(pattern), role, cors, Objects.requireNonNull(handler)));
        return this;
    }

    public Router include(Routes group) {
        group.register(this);
        return this;
    }

    public AccessControl access() {
        return access;
    }

    /** Every registered route, in registration order. */
    public List<Endpoint> endpoints() {
        return routes.stream()
                .map(r -> new Endpoint(r.method(), r.text(), r.role()))
                .toList();
    }

    /** A registered route as tests and documentation see it. */
    public record Endpoint(String method, String pattern, Role role) {}

    /** The best route for this path; {@code methodAllowed} false when only other methods match. */
    Optional<Match> match(String method, String path) {
        String[] parts = split(path);
        Match best = null;
        boolean pathMatched = false;
        for (Route r : routes) {
            // parameters are collected only for a route that wins so far: most routes are ruled out by
            // fits() and the method alone, and this runs on every request
            if (!r.fits(parts)) {
                continue;
            }
            pathMatched = true;
            if (!r.method.equals(method) && !("HEAD".equals(method) && "GET".equals(r.method))) {
                continue;
            }
            if (best != null && r.literalCount() <= best.route.literalCount()) {
                continue;
            }
            Map<String, String> params = r.match(parts);
            if (params != null) {
                best = new Match(r, params, true);
            }
        }
        if (best == null && pathMatched) {
            return Optional.of(new Match(null, Map.of(), false));
        }
        return Optional.ofNullable(best);
    }

    private static String[] split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.isEmpty()) {
            return new String[0];
        }
        return p.split("/", -1);
    }

    record Match(Route route, Map<String, String> params, boolean methodAllowed) {}

    /** {@code cors} is null for a route without CORS headers. */
    record Route(String method, String text, String[] pattern, Role role, Cors cors, Handler handler) {
        int literalCount() {
            int n = 0;
            for (String p : pattern) {
                if (!p.startsWith("{")) {
                    n++;
                }
            }
            return n;
        }

        Map<String, String> match(String[] parts) {
            if (!fits(parts)) {
                return null; // most routes do not match: no map for them
            }
            Map<String, String> params = new HashMap<>();
            for (int i = 0; i < pattern.length; i++) {
                String p = pattern[i];
                if (p.startsWith("{") && p.endsWith("*}")) {
                    if (i >= parts.length) {
                        return null;
                    }
                    params.put(
                            p.substring(1, p.length() - 2),
                            String.join("/", java.util.Arrays.copyOfRange(parts, i, parts.length)));
                    return params;
                }
                if (i >= parts.length) {
                    return null;
                }
                if (p.startsWith("{") && p.endsWith("}")) {
                    if (parts[i].isEmpty()) {
                        return null;
                    }
                    params.put(p.substring(1, p.length() - 1), parts[i]);
                } else if (!p.equals(parts[i])) {
                    return null;
                }
            }
            return parts.length == pattern.length ? params : null;
        }

        /** Whether the literal segments and the segment count fit, without collecting parameters. */
        private boolean fits(String[] parts) {
            for (int i = 0; i < pattern.length; i++) {
                String p = pattern[i];
                if (p.startsWith("{") && p.endsWith("*}")) {
                    return i < parts.length;
                }
                if (i >= parts.length) {
                    return false;
                }
                if (p.startsWith("{") ? parts[i].isEmpty() : !p.equals(parts[i])) {
                    return false;
                }
            }
            return parts.length == pattern.length;
        }
    }
}
