package io.kvr.exporter;

import io.kvr.runtime.http.HttpError;
import io.kvr.runtime.http.Router;
import io.kvr.runtime.http.Routes;

/**
 * The export API's routes. Exports are not built yet: requests get a clear 501 instead of a 404, so clients
 * written against seed 004's {@code POST /v1/nvr/convert2mp4} learn why.
 */
public final class ExporterRoutes implements Routes {
    @Override
    public void register(Router router) {
        router.post("/v1/nvr/convert2mp4", req -> {
            throw new HttpError(501, "MP4 export is not implemented yet in this kvr version");
        });
        router.get("/v1/nvr/exports", req -> {
            throw new HttpError(501, "MP4 export is not implemented yet in this kvr version");
        });
    }
}
