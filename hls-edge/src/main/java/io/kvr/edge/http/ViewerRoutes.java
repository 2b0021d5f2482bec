package io.kvr.edge.http;

import io.kvr.http.HttpError;
import io.kvr.http.Response;
import io.kvr.http.Router;
import io.kvr.http.Routes;
import io.kvr.http.access.Role;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code GET /}: the viewer page, a viewer's (open it as {@code /?token=…}: the page passes the token on to every
 * call it makes); {@code GET /assets/{file}}: its scripts (hls.js ships inside the jar), public, as they carry no
 * data.
 */
public final class ViewerRoutes implements Routes {
    private static final String ASSETS = "/io/kvr/edge/assets/";
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "hls.min.js", "text/javascript; charset=utf-8",
            "hls.js.LICENSE.txt", "text/plain; charset=utf-8");

    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    @Override
    public void register(Router router) {
        router.get("/", Role.VIEWER, req -> asset("index.html").header("Cache-Control", "no-cache"));
        router.get(
                "/assets/{file}",
                Role.PUBLIC,
                req -> asset(req.param("file")).header("Cache-Control", "public, max-age=3600"));
    }

    private Response asset(String file) {
        String type = TYPES.get(file);
        if (type == null) {
            throw HttpError.notFound("no such asset");
        }
        byte[] bytes = cache.computeIfAbsent(file, ViewerRoutes::load);
        return Response.bytes(200, type, bytes);
    }

    private static byte[] load(String file) {
        try (InputStream in = ViewerRoutes.class.getResourceAsStream(ASSETS + file)) {
            if (in == null) {
                throw new IllegalStateException("asset " + file + " missing from the jar (build the hls-edge module)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
