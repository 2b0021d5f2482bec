package io.kvr.exporter;

import io.kvr.http.HttpService;
import io.kvr.http.HttpSettings;
import io.kvr.http.OpsRoutes;
import io.kvr.http.Router;
import io.kvr.http.access.AccessControl;
import io.kvr.http.access.AccessSettings;
import io.kvr.index.HttpSegmentIndex;
import io.kvr.runtime.config.AppArgs;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.lifecycle.Lifecycle;
import io.kvr.runtime.metrics.Metrics;
import java.util.Map;

/** Runs the exporter alone: {@code ExporterMain [--config FILE] [key=value ...]}. */
public final class ExporterMain {
    private ExporterMain() {}

    public static void main(String[] args) throws Exception {
        Settings settings = AppArgs.load("ExporterMain", args, Map.of());
        AccessSettings access = AccessSettings.from(settings);
        // the indexer's credential when it requires access: an operator's API key
        String indexApiKey = HttpSegmentIndex.apiKey(settings);
        ExporterConfig config = ExporterConfig.from(settings);
        var metrics = Metrics.prometheus("exporter");
        try (Lifecycle life = new Lifecycle("exporter").closeOnShutdown()) {
            Exporter exporter = life.own(
                    "exporter",
                    Exporter.start(config, new HttpSegmentIndex(config.indexUrl(), false, indexApiKey), metrics));
            life.own(
                    "http",
                    HttpService.start(
                            HttpSettings.from(settings, config.httpPort()),
                            new Router(new AccessControl(access))
                                    .include(exporter)
                                    .include(new OpsRoutes(metrics, Map.of("exports", exporter::alive)))));
            life.awaitShutdown();
        }
    }
}
