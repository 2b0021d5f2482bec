package io.kvr.indexer;

import io.kvr.http.HttpService;
import io.kvr.http.HttpSettings;
import io.kvr.http.OpsRoutes;
import io.kvr.http.Router;
import io.kvr.http.access.AccessControl;
import io.kvr.http.access.AccessSettings;
import io.kvr.runtime.config.AppArgs;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.lifecycle.Lifecycle;
import io.kvr.runtime.metrics.Metrics;
import java.util.Map;

/** Runs the indexer alone: {@code IndexerMain [--config FILE] [key=value ...]}; serves the index over HTTP. */
public final class IndexerMain {
    private IndexerMain() {}

    public static void main(String[] args) throws Exception {
        Settings settings = AppArgs.load("IndexerMain", args, Map.of());
        AccessSettings access = AccessSettings.from(settings);
        IndexerConfig config = IndexerConfig.from(settings);
        var metrics = Metrics.prometheus("indexer");
        try (Lifecycle life = new Lifecycle("indexer").closeOnShutdown()) {
            Indexer indexer = life.own("indexer", Indexer.start(config, metrics));
            Router router = new Router(new AccessControl(access))
                    .include(indexer.routes())
                    .include(new OpsRoutes(metrics, Map.of("index", indexer::running)));
            life.own("http", HttpService.start(HttpSettings.from(settings, config.httpPort()), router));
            life.awaitShutdown();
        }
    }
}
