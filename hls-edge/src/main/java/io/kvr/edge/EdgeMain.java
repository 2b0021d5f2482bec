package io.kvr.edge;

import io.kvr.http.HttpService;
import io.kvr.http.HttpSettings;
import io.kvr.http.OpsRoutes;
import io.kvr.http.Router;
import io.kvr.http.access.AccessControl;
import io.kvr.index.HttpSegmentIndex;
import io.kvr.runtime.config.AppArgs;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.lifecycle.Lifecycle;
import io.kvr.runtime.metrics.Metrics;
import java.util.Map;

/**
 * Runs the edge alone: {@code EdgeMain [--config FILE] [key=value ...]}, asking the indexer over HTTP (with
 * {@code index.api.key} when the indexer requires access).
 */
public final class EdgeMain {
    private EdgeMain() {}

    public static void main(String[] args) throws Exception {
        Settings settings = AppArgs.load("EdgeMain", args, Map.of());
        // the indexer's credential when it requires access: an operator's API key
        String indexApiKey = HttpSegmentIndex.apiKey(settings);
        EdgeConfig config = EdgeConfig.from(settings);
        var metrics = Metrics.prometheus("hls-edge");
        try (Lifecycle life = new Lifecycle("hls-edge").closeOnShutdown()) {
            Router router = new Router(new AccessControl(config.access()))
                    .include(new OpsRoutes(metrics, Map.of()))
                    .include(new Edge(config, new HttpSegmentIndex(config.indexUrl(), false, indexApiKey)));
            life.own("http", HttpService.start(HttpSettings.from(settings, config.httpPort()), router));
            life.awaitShutdown();
        }
    }
}
