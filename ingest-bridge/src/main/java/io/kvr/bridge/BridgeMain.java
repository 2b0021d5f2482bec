package io.kvr.bridge;

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

/** Runs the ingest bridge alone: {@code BridgeMain [--config FILE] [key=value ...]}. */
public final class BridgeMain {
    private BridgeMain() {}

    public static void main(String[] args) throws Exception {
        Settings settings = AppArgs.load("BridgeMain", args, Map.of());
        BridgeConfig config = BridgeConfig.from(settings);
        AccessSettings access = config.access();
        var metrics = Metrics.prometheus("ingest-bridge");
        try (Lifecycle life = new Lifecycle("ingest-bridge").closeOnShutdown()) {
            IngestBridge bridge = life.own("bridge", IngestBridge.start(config, metrics));
            Router router = new Router(new AccessControl(access))
                    .include(bridge.routes())
                    .include(new OpsRoutes(metrics, Map.of("cameras", bridge::healthy)));
            life.own("http", HttpService.start(HttpSettings.from(settings, config.httpPort()), router));
            life.awaitShutdown();
        }
    }
}
