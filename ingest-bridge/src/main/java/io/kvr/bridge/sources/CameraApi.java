package io.kvr.bridge.sources;

import io.kvr.bridge.camera.CameraUrlPolicy;
import io.kvr.bridge.rtspserver.Publication;
import io.kvr.bridge.rtspserver.PublishedPaths;
import io.kvr.http.HttpError;
import io.kvr.http.HttpService;
import io.kvr.http.Request;
import io.kvr.http.Response;
import io.kvr.http.Router;
import io.kvr.http.Routes;
import io.kvr.http.access.Role;
import io.kvr.runtime.config.Secrets;
import io.kvr.runtime.stream.StreamName;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET/POST /v1/cameras} and {@code GET/DELETE /v1/cameras/{app}/{stream}}. Writes go to the sources topic
 * (any instance takes them; the owner of the camera's partition starts it) and answer once this instance has read
 * them back, so a following GET here sees them. Responses never hold credentials. Reads need an operator, writes
 * an admin; either only for the cameras the credential covers (the list shows those).
 *
 * <p>A camera as answered: {@code app}, {@code stream}, {@code url} (redacted), {@code transport}, {@code clock},
 * {@code enabled}, {@code origin} ({@code config} or {@code api}), {@code instance} (the bridge that pulls it, when
 * known), {@code state}, {@code last_error} and {@code sessions}. {@code state} is the supervisor's
 * ({@code connecting}, {@code streaming}, {@code backing_off}, {@code failed}) for cameras pulled by this
 * instance; {@code remote} for cameras pulled by another instance (ask that one for details); {@code stopped} for
 * disabled cameras; {@code pending} while no instance has started it yet.
 *
 * <p>Streams pushed to this instance's RTSP server are listed too, while their publisher is connected (they leave the
 * list at TEARDOWN, close or session timeout), with {@code origin} {@code push}, {@code publisher} (its address),
 * {@code state} {@code announced} or {@code streaming}, {@code transport} {@code tcp} or {@code udp}, {@code since},
 * {@code units}, {@code bytes}, {@code sessions}, {@code foreign_datagrams} and {@code last_error}. {@code DELETE} of
 * one closes the publisher's connection; {@code POST} of a camera under a name being pushed here is refused with
 * 409 (the RTSP server refuses a push to a camera's name with 403).
 */
final class CameraApi implements Routes {
    private static final Logger log = LoggerFactory.getLogger(CameraApi.class);
    private static final Duration READ_BACK = Duration.ofSeconds(10);
    /** A closed connection leaves the published streams within a few event-loop turns. */
    private static final Duration END_PUSH = Duration.ofSeconds(5);

    private final SourceCatalog catalog;
    private final CameraFleet fleet;
    private final SourceWriter writer;
    private final GroupOwners owners;
    private final String instanceId;
    private final CameraUrlPolicy urlPolicy;
    private final PublishedPaths pushed;

    CameraApi(
            SourceCatalog catalog,
            CameraFleet fleet,
            SourceWriter writer,
            GroupOwners owners,
            String instanceId,
            CameraUrlPolicy urlPolicy,
            PublishedPaths pushed) {
        this.urlPolicy = urlPolicy;
        this.pushed = pushed;
        this.catalog = catalog;
        this.fleet = fleet;
        this.writer = writer;
        this.owners = owners;
        this.instanceId = instanceId;
    }

    @Override
    public void register(Router router) {
        router.get("/v1/cameras", Role.OPERATOR, this::list);
        router.post("/v1/cameras", Role.ADMIN, this::post);
        router.get("/v1/cameras/{app}/{stream}", Role.OPERATOR, this::get);
        router.delete("/v1/cameras/{app}/{stream}", Role.ADMIN, this::delete);
    }

    private Response list(Request req) {
        Supplier<Map<Integer, String>> lazyOwners = memo(owners::owners);
        List<Map<String, Object>> out = new ArrayList<>();
        for (SourceCatalog.Entry e : catalog.entries()) {
            if (req.access().covers(e.spec().name().id())) {
                out.add(view(e, lazyOwners));
            }
        }
        for (Publication p : pushed.all()) {
            if (req.access().covers(p.name().id())) {
                out.add(describe(p, instanceId));
            }
        }
        out.sort(Comparator.comparing(c -> c.get("app") + "/" + c.get("stream")));
        return HttpService.json(200, out);
    }

    private Response get(Request req) {
        StreamName name = name(req);
        Optional<SourceCatalog.Entry> camera = catalog.get(name);
        if (camera.isPresent()) {
            return HttpService.json(200, view(camera.get()));
        }
        return HttpService.json(
                200, describe(pushed.get(name).orElseThrow(() -> HttpError.notFound("no camera " + name)), instanceId));
    }

    /** A pushed stream as the API shows it: never a credential, the publisher by its address only. */
    static Map<String, Object> describe(Publication p, String instanceId) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("app", p.name().app());
        c.put("stream", p.name().stream());
        c.put("url", Secrets.redactUrl(p.url()));
        c.put("transport", p.transport());
        c.put("enabled", true);
        c.put("origin", "push");
        c.put("instance", instanceId);
        c.put("publisher", p.publisher());
        c.put("state", p.state().name().toLowerCase(Locale.ROOT));
        c.put("since", Instant.ofEpochMilli(p.sinceMs()).toString());
        c.put("last_error", Secrets.redactUrl(p.lastError()));
        c.put("sessions", p.sessions());
        c.put("units", p.units());
        c.put("bytes", p.bytes());
        c.put("foreign_datagrams", p.foreignDatagrams());
        return c;
    }

    private Response post(Request req) throws InterruptedException {
        CameraSpec spec = CameraRequest.parse(req.body(), urlPolicy);
        req.access().requireStream(spec.name().id());
        Optional<Publication> push = pushed.get(spec.name());
        if (push.isPresent()) {
            // one source per stream: a pulled camera's recording would interleave with the push
            throw new HttpError(
                    409,
                    spec.name() + " is being pushed to this instance by "
                            + push.get().publisher() + "; end the push first (DELETE /v1/cameras/"
                            + spec.name().id() + ")");
        }
        boolean existed = catalog.get(spec.name()).isPresent();
        RecordMetadata written = write(() -> writer.put(spec, "api"));
        log.info("camera {} {} through the API: {}", spec.name(), existed ? "replaced" : "added", spec);
        settle(written);
        Optional<SourceCatalog.Entry> stored = catalog.get(spec.name());
        Map<String, Object> body = stored.isPresent() && stored.get().spec().equals(spec)
                ? view(stored.get())
                : describe(spec, "api", written.partition(), memo(owners::owners));
        return HttpService.json(existed ? 200 : 201, body);
    }

    private Response delete(Request req) throws InterruptedException {
        StreamName pushedName = name(req);
        Optional<Publication> push = pushed.get(pushedName);
        if (push.isPresent() && catalog.get(pushedName).isEmpty()) {
            return endPush(push.get());
        }
        SourceCatalog.Entry entry = existing(req);
        StreamName name = entry.spec().name();
        RecordMetadata written = write(() -> writer.delete(name));
        log.info("camera {} removed through the API", name);
        settle(written);
        return Response.empty(204);
    }

    private static RecordMetadata write(Supplier<RecordMetadata> write) {
        try {
            return write.get();
        } catch (io.kvr.runtime.kafka.AcknowledgedProducer.WriteFailed e) {
            throw new HttpError(503, Secrets.redactUrl(e.getMessage()));
        }
    }

    /** Waits until this instance has read the write back and, when it owns the camera, acted on it. */
    private void settle(RecordMetadata written) throws InterruptedException {
        if (!catalog.awaitRead(written.partition(), written.offset(), READ_BACK)) {
            log.warn("sources topic not read back within {}; the change applies when it is", READ_BACK);
            return;
        }
        if (fleet.owns(written.partition())) {
            fleet.reconcile();
        }
    }

    /** Closes the publisher's connection, and answers once the stream has left the list (or after a while). */
    private Response endPush(Publication p) throws InterruptedException {
        p.end();
        log.info("pushed stream {} from {} ended through the API", p.name(), p.publisher());
        long deadline = System.nanoTime() + END_PUSH.toNanos();
        while (pushed.get(p.name()).orElse(null) == p && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return Response.empty(204);
    }

    private SourceCatalog.Entry existing(Request req) {
        StreamName name = name(req);
        return catalog.get(name).orElseThrow(() -> HttpError.notFound("no camera " + name));
    }

    /** The request's stream, which the credential must cover. */
    private static StreamName name(Request req) {
        StreamName name;
        try {
            name = new StreamName(req.param("app"), req.param("stream"));
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
        req.access().requireStream(name.id());
        return name;
    }

    private Map<String, Object> view(SourceCatalog.Entry e) {
        return view(e, memo(owners::owners));
    }

    private Map<String, Object> view(SourceCatalog.Entry e, Supplier<Map<Integer, String>> partitionOwners) {
        return describe(e.spec(), e.stored().getOrigin(), e.partition(), partitionOwners);
    }

    private Map<String, Object> describe(
            CameraSpec spec, String origin, int partition, Supplier<Map<Integer, String>> partitionOwners) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("app", spec.name().app());
        c.put("stream", spec.name().stream());
        c.put("url", spec.redactedUrl());
        c.put("transport", spec.transport());
        c.put("clock", spec.clock());
        c.put("enabled", spec.enabled());
        c.put("origin", origin);
        Optional<CameraFleet.Local> local = fleet.local(spec.name());
        if (local.isPresent()) {
            c.put("instance", instanceId);
            c.put("state", local.get().state().name().toLowerCase(Locale.ROOT));
            // redacted where it arose already; once more since it may quote FFmpeg, which quotes URLs
            c.put("last_error", Secrets.redactUrl(local.get().lastError()));
            c.put("sessions", local.get().sessions());
            return c;
        }
        String owner = spec.enabled() ? partitionOwners.get().get(partition) : null;
        c.put("instance", owner);
        String state;
        if (!spec.enabled()) {
            state = "stopped";
        } else if (owner != null && !owner.equals(instanceId)) {
            state = "remote";
        } else {
            state = "pending";
        }
        c.put("state", state);
        c.put("last_error", null);
        c.put("sessions", null);
        return c;
    }

    /** Asks at most once per request, and only when needed. */
    private static <T> Supplier<T> memo(Supplier<T> s) {
        return new Supplier<>() {
            private T value;
            private boolean done;

            @Override
            public T get() {
                if (!done) {
                    value = s.get();
                    done = true;
                }
                return value;
            }
        };
    }
}
