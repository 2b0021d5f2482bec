package io.kvr.http;

import io.kvr.http.access.Role;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /metrics} (Prometheus text; an operator's, or public with {@code metrics.public=true}) and
 * {@code GET /health} (public; 200 when every check is up, else 503).
 */
public final class OpsRoutes implements Routes {
    private final PrometheusMeterRegistry registry;
    private final Map<String, Supplier<Boolean>> checks;

    public OpsRoutes(PrometheusMeterRegistry registry, Map<String, Supplier<Boolean>> checks) {
        this.registry = registry;
        this.checks = Map.copyOf(checks);
    }

    @Override
    public void register(Router router) {
        router.get(
                "/metrics",
                router.access().metricsRole(),
                req -> Response.text(200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        router.get("/health", Role.PUBLIC, req -> {
            Map<String, Object> body = new LinkedHashMap<>();
            boolean up = true;
            for (var e : new java.util.TreeMap<>(checks).entrySet()) {
                boolean ok;
                try {
                    ok = e.getValue().get();
                } catch (RuntimeException ex) {
                    ok = false;
                }
                body.put(e.getKey(), ok ? "UP" : "DOWN");
                up &= ok;
            }
            body.put("status", up ? "UP" : "DOWN");
            return HttpService.json(up ? 200 : 503, body);
        });
    }
}
