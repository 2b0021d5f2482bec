package io.kvr.http;

import java.util.List;
import java.util.Set;

/**
 * Cross-origin access for browsers playing from other sites (e.g. an hls.js player on another origin).
 * Allowed origins are configured ({@code *} for any); with none, no CORS headers are sent and browsers keep
 * their same-origin rule. {@link #wrap} adds the headers to a handler's answers, errors included (so a page
 * can read the JSON reason of a 403); {@link #preflight} answers {@code OPTIONS}.
 */
public final class Cors {
    private static final String EXPOSED = "Content-Length, Content-Range, Accept-Ranges, ETag, Location";

    private final Set<String> origins;
    private final boolean any;

    public Cors(List<String> allowedOrigins) {
        this.any = allowedOrigins.contains("*");
        this.origins = Set.copyOf(allowedOrigins);
    }

    public boolean enabled() {
        return any || !origins.isEmpty();
    }

    /** {@code handler} with CORS headers on every answer; its {@link HttpError}s become JSON answers here. */
    public Handler wrap(Handler handler) {
        return req -> {
            Response r;
            try {
                r = handler.handle(req);
            } catch (HttpError e) {
                r = HttpService.error(e.status(), e.getMessage());
            }
            return decorate(req, r);
        };
    }

    /**
     * {@code OPTIONS}: 204 with the allowed methods and headers for an allowed origin; 403 for an origin that is
     * not allowed; without an {@code Origin} (not a CORS preflight) just {@code Allow}.
     */
    public Response preflight(Request req) {
        var origin = req.header("Origin");
        if (origin.isEmpty()) {
            return Response.empty(204).header("Allow", "GET, HEAD, OPTIONS");
        }
        if (!allowed(origin.get())) {
            return HttpService.error(403, "origin not allowed");
        }
        return decorate(req, Response.empty(204))
                .header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
                .header("Access-Control-Allow-Headers", "Authorization, Range")
                .header("Access-Control-Max-Age", "600");
    }

    /** Adds the CORS headers the request's origin gets to {@code r}. */
    Response decorate(Request req, Response r) {
        if (!enabled()) {
            return r;
        }
        r.header("Vary", "Origin");
        var origin = req.header("Origin");
        if (origin.isPresent() && allowed(origin.get())) {
            // the origin itself rather than *: also right for requests that carry an Authorization header
            r.header("Access-Control-Allow-Origin", origin.get());
            r.header("Access-Control-Expose-Headers", EXPOSED);
        }
        return r;
    }

    private boolean allowed(String origin) {
        return any || origins.contains(origin);
    }
}
