package io.kvr.http;

import io.kvr.http.access.AccessControl;
import io.kvr.runtime.config.Secrets;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP server ({@link HttpServer}) serving a {@link Router}. Errors map to status + JSON body here, in one place:
 * {@link HttpError} gives its status and reason; anything else is a bug, logged, and answered 500 without internals.
 * Every matched route's role is checked here, with the router's {@link AccessControl}, before its handler runs;
 * {@code POST} and {@code PUT} bodies must be JSON (else 415).
 */
public final class HttpService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpService.class);

    private final Router router;
    private final boolean tls;
    private HttpServer server;

    private HttpService(Router router, boolean tls) {
        this.router = router;
        this.tls = tls;
    }

    /** Plain HTTP on {@code host:port} with the default limits. */
    public static HttpService start(String host, int port, Router router) {
        return start(HttpSettings.of(host, port), router);
    }

    public static HttpService start(HttpSettings settings, Router router) {
        HttpService service = new HttpService(router, settings.tls());
        try {
            service.server = HttpServer.start(settings, service::serve);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the HTTP server", e);
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        log.info("HTTP listening on {}/", service.baseUrl());
        return service;
    }

    public int port() {
        return server.address().getPort();
    }

    public String baseUrl() {
        InetSocketAddress a = server.address();
        return (tls ? "https://" : "http://") + a.getHostString() + ":" + a.getPort();
    }

    private Response serve(HttpServer.RawRequest raw) {
        String method = raw.method();
        try {
            return dispatch(raw, method);
        } catch (HttpError e) {
            return refusal(e);
        } catch (Exception e) {
            // a credential may ride in the query (?token=): never into the log
            log.error("{} {} failed", method, Secrets.redactUrl(sanitize(raw.target())), e);
            return error(500, "internal error");
        }
    }

    private Response dispatch(HttpServer.RawRequest raw, String method) throws Exception {
        String target = raw.target();
        int q = target.indexOf('?');
        String rawPath = q < 0 ? target : target.substring(0, q);
        String rawQuery = q < 0 ? null : target.substring(q + 1);
        int fragment = rawQuery == null ? rawPath.indexOf('#') : rawQuery.indexOf('#');
        if (fragment >= 0) {
            if (rawQuery == null) {
                rawPath = rawPath.substring(0, fragment);
            } else {
                rawQuery = rawQuery.substring(0, fragment);
            }
        }
        if (!wellEncoded(rawPath) || (rawQuery != null && !wellEncoded(rawQuery))) {
            throw HttpError.badRequest("Bad Request: malformed percent-encoding in the request target");
        }
        String path = decodePath(rawPath);
        var match = router.match(method, path);
        if (match.isEmpty()) {
            throw HttpError.notFound("no such resource: " + sanitize(path));
        }
        if (!match.get().methodAllowed()) {
            throw new HttpError(405, "method " + method + " not allowed on " + sanitize(path));
        }
        Map<String, String> query = parseQuery(rawQuery);
        Request request = new Request(method, path, match.get().params(), query, raw.headers(), raw.body());
        Router.Route route = match.get().route();
        Response answer;
        try {
            // the one access check of every route, before its handler can run
            Request authorized = request.withAccess(router.access().authorize(request, route.role()));
            requireJsonBody(authorized);
            answer = route.handler().handle(authorized);
        } catch (HttpError e) {
            answer = refusal(e);
        }
        return route.cors() == null ? answer : route.cors().decorate(request, answer);
    }

    /**
     * {@code POST} and {@code PUT} take JSON only: an HTML form on another site cannot send that content type
     * without the browser asking first (a CORS preflight), so it cannot make a write on a viewer's behalf.
     */
    private static void requireJsonBody(Request request) {
        if (!request.method().equals("POST") && !request.method().equals("PUT")) {
            return;
        }
        String type = request.header("Content-Type").orElse("");
        int parameters = type.indexOf(';');
        String media = (parameters < 0 ? type : type.substring(0, parameters)).trim();
        if (!media.equalsIgnoreCase("application/json")) {
            throw new HttpError(415, request.method() + " needs Content-Type: application/json");
        }
    }

    /** The answer to an {@link HttpError}: its status and reason, and the challenge on a 401 (RFC 7235). */
    private static Response refusal(HttpError e) {
        Response r = error(e.status(), e.getMessage());
        return e.status() == 401 ? r.header("WWW-Authenticate", AccessControl.CHALLENGE) : r;
    }

    /** Every {@code %} starts a two-hex-digit escape. */
    static boolean wellEncoded(String raw) {
        for (int i = raw.indexOf('%'); i >= 0; i = raw.indexOf('%', i + 1)) {
            if (i + 2 >= raw.length()) {
                return false;
            }
            if (Character.digit(raw.charAt(i + 1), 16) < 0 || Character.digit(raw.charAt(i + 2), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    static String decodePath(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        if (rawPath.indexOf('%') < 0) {
            return rawPath; // nothing to decode ('+' is literal in paths)
        }
        try {
            // '+' is literal in paths; only %XX is decoded
            return URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("malformed percent-encoding in path");
        }
    }

    /**
     * Query parameters; a first parameter glued to the path with {@code &} (the Ti Top Streamer NVR API's
     * {@code playlist.m3u8&start_time=…}) is handled by the routes that accept it.
     */
    static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.putIfAbsent(k, v);
            } catch (IllegalArgumentException e) {
                throw HttpError.badRequest("malformed percent-encoding in query");
            }
        }
        return out;
    }

    /** Keeps control characters out of error messages echoed back to clients and logs. */
    static String sanitize(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }

    public static Response error(int status, String reason) {
        return json(status, Map.of("error", reason, "status", status));
    }

    public static Response json(int status, Object value) {
        return Response.bytes(status, "application/json", Json.bytes(value));
    }

    @Override
    public void close() {
        server.close();
    }
}
