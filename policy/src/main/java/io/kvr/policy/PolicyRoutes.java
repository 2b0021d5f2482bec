package io.kvr.policy;

import io.kvr.http.HttpError;
import io.kvr.http.HttpService;
import io.kvr.http.Request;
import io.kvr.http.Response;
import io.kvr.http.Router;
import io.kvr.http.Routes;
import io.kvr.http.access.Role;
import io.kvr.runtime.stream.StreamName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/policies}, {@code GET/PUT/DELETE /v1/policies/{app}} (JSON, see {@link PolicyJson}). Writes go to
 * the policies topic and answer once this instance has read them back, so a following GET here sees them; every
 * segmenter and indexer follows the topic and applies the change without a restart. {@code PUT} replaces the
 * whole policy of the application (omitted fields inherit); {@code DELETE} returns it to the defaults. Reads need
 * an operator, writes an admin, whose credential covers the whole application ({@code app/*} or {@code *}).
 */
public final class PolicyRoutes implements Routes {
    private static final Logger log = LoggerFactory.getLogger(PolicyRoutes.class);
    private static final Duration READ_BACK = Duration.ofSeconds(10);

    private final PolicyCatalog catalog;
    private final PolicyWriter writer;
    private final String writerId;

    public PolicyRoutes(PolicyCatalog catalog, PolicyWriter writer, String writerId) {
        this.catalog = catalog;
        this.writer = writer;
        this.writerId = writerId;
    }

    @Override
    public void register(Router router) {
        router.get("/v1/policies", Role.OPERATOR, req -> HttpService.json(200, list(req)));
        router.get("/v1/policies/{app}", Role.OPERATOR, req -> HttpService.json(200, view(app(req))));
        router.put("/v1/policies/{app}", Role.ADMIN, this::put);
        router.delete("/v1/policies/{app}", Role.ADMIN, this::delete);
    }

    /** The policies of the applications the credential covers whole. */
    private List<Map<String, Object>> list(Request req) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (AppPolicy p : catalog.all()) {
            if (req.access().grant().coversApp(p.app())) {
                out.add(PolicyJson.view(p.app(), p, catalog.defaults()));
            }
        }
        return out;
    }

    private Response put(Request req) throws InterruptedException {
        String app = app(req);
        AppPolicy policy;
        try {
            policy = PolicyJson.parse(app, req.body(), System.currentTimeMillis(), writerId);
        } catch (InvalidPolicyException e) {
            throw HttpError.badRequest(e.getMessage());
        }
        boolean existed = catalog.get(app).isPresent();
        settle(write(() -> writer.put(policy)));
        log.info(
                "recording policy of application {} {} through the API: {}", app, existed ? "replaced" : "set", policy);
        return HttpService.json(existed ? 200 : 201, PolicyJson.view(app, policy, catalog.defaults()));
    }

    private Response delete(Request req) throws InterruptedException {
        String app = app(req);
        if (catalog.get(app).isEmpty()) {
            throw HttpError.notFound("application " + app + " has no stored policy (defaults apply)");
        }
        settle(write(() -> writer.delete(app)));
        log.info("recording policy of application {} removed through the API", app);
        return Response.empty(204);
    }

    private Map<String, Object> view(String app) {
        return PolicyJson.view(app, catalog.get(app).orElse(null), catalog.defaults());
    }

    private static RecordMetadata write(java.util.function.Supplier<RecordMetadata> write) {
        try {
            return write.get();
        } catch (io.kvr.runtime.kafka.AcknowledgedProducer.WriteFailed e) {
            throw new HttpError(503, e.getMessage());
        }
    }

    private void settle(RecordMetadata written) throws InterruptedException {
        if (!catalog.awaitRead(written.partition(), written.offset(), READ_BACK)) {
            log.warn("policies topic not read back within {}; the change applies when it is", READ_BACK);
        }
    }

    /** The application of the path; 403 unless the credential covers every stream of it (a policy governs them all). */
    private static String app(Request req) {
        String app = req.param("app");
        if (!StreamName.isValidPart(app)) {
            throw HttpError.badRequest(
                    "application name must be 1-64 characters of A-Z a-z 0-9 . _ - (and not . or ..)");
        }
        req.access().requireApp(app);
        return app;
    }
}
