package io.kvr.segmenter;

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

/** Runs the segmenter alone: {@code SegmenterMain [--config FILE] [key=value ...]}. */
public final class SegmenterMain {
    private SegmenterMain() {}

    public static void main(String[] args) throws Exception {
        Settings settings = AppArgs.load("SegmenterMain", args, Map.of());
        AccessSettings access = AccessSettings.from(settings);
        SegmenterConfig config = SegmenterConfig.from(settings);
        var metrics = Metrics.prometheus("segmenter");
        try (Lifecycle life = new Lifecycle("segmenter").closeOnShutdown()) {
            Segmenter segmenter = life.own("segmenter", Segmenter.start(config, metrics));
            life.own(
                    "http",
                    HttpService.start(
                            HttpSettings.from(settings, config.httpPort()),
                            new Router(new AccessControl(access))
                                    .include(segmenter.routes())
                                    .include(new OpsRoutes(metrics, Map.of("consumer", segmenter::alive)))));
            life.awaitShutdown();
        }
    }
}
