package io.kvr.bridge.rtspserver;

import io.kvr.http.HttpError;
import io.kvr.http.Request;
import io.kvr.http.access.AccessControl;
import io.kvr.http.access.Role;
import io.kvr.runtime.stream.StreamName;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who may watch a stream over RTSP: the same credentials as the edge's viewers ({@link AccessControl}, role viewer,
 * a grant covering the stream and not limited to a time range), given as {@code ?token=} in the URL (as for
 * playlists), as the password of {@code Authorization: Basic} (RFC 7617; the user name is not looked at, so a
 * player given {@code rtsp://any:TOKEN@host/app/stream} works) or as {@code Authorization: Bearer}. With access
 * control off, watching is open. Credentials never reach a reason or a log line.
 */
final class ViewerAccess {
    /** The challenge of a 401 (RFC 2326 12.44): players answer it with Basic credentials from their URL. */
    static final String CHALLENGE = "Basic realm=\"kvr\"";

    /** The outcome of a check. */
    sealed interface Decision {}

    record Allowed() implements Decision {}

    /** @param status 401 (no credential: answer with {@link #CHALLENGE}) or 403 */
    record Refused(int status, String reason) implements Decision {}

    private final AccessControl control;

    ViewerAccess(AccessControl control) {
        this.control = control;
    }

    /** Open to anyone: access control off. */
    static ViewerAccess open() {
        return new ViewerAccess(AccessControl.open());
    }

    /**
     * @param uri the request's URL (its query may hold {@code token=})
     * @param authorization the request's {@code Authorization} header, or null
     */
    Decision check(URI uri, String authorization, StreamName stream) {
        if (!control.required()) {
            return new Allowed();
        }
        Map<String, String> query = new HashMap<>();
        token(uri).ifPresent(t -> query.put(AccessControl.QUERY_PARAM, t));
        Map<String, List<String>> headers = new HashMap<>();
        bearer(authorization).ifPresent(b -> headers.put("Authorization", List.of("Bearer " + b)));
        Request request = new Request(
                "GET", uri.getRawPath() == null ? "/" : uri.getRawPath(), Map.of(), query, headers, new byte[0]);
        try {
            control.authorize(request, Role.VIEWER).requireStream(stream.id()).requireUnlimited("live playback");
            return new Allowed();
        } catch (HttpError e) {
            return new Refused(e.status() == 401 ? 401 : 403, e.getMessage());
        }
    }

    private static Optional<String> token(URI uri) {
        String raw = uri.getRawQuery();
        if (raw == null) {
            return Optional.empty();
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(AccessControl.QUERY_PARAM)) {
                try {
                    String v = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    return v.isEmpty() ? Optional.empty() : Optional.of(v);
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** The credential of a Basic (its password) or Bearer header. */
    private static Optional<String> bearer(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String h = authorization.strip();
        if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String t = h.substring(7).strip();
            return t.isEmpty() ? Optional.empty() : Optional.of(t);
        }
        if (h.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair =
                        new String(Base64.getDecoder().decode(h.substring(6).strip()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                String password = colon < 0 ? "" : pair.substring(colon + 1);
                return password.isEmpty() ? Optional.empty() : Optional.of(password);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
