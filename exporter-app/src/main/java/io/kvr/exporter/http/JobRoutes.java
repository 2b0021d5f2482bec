package io.kvr.exporter.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvr.exporter.job.JobLog;
import io.kvr.exporter.job.JobRunner;
import io.kvr.exporter.job.StatusBook;
import io.kvr.exporter.plan.ExportFormat;
import io.kvr.exporter.plan.ExportPlanner;
import io.kvr.exporter.plan.ExportRange;
import io.kvr.exporter.plan.ExportRefusedException;
import io.kvr.http.ByteRange;
import io.kvr.http.HttpError;
import io.kvr.http.HttpService;
import io.kvr.http.InvalidJsonException;
import io.kvr.http.Json;
import io.kvr.http.Request;
import io.kvr.http.Response;
import io.kvr.http.Router;
import io.kvr.http.Routes;
import io.kvr.http.access.Role;
import io.kvr.index.IndexUnavailableException;
import io.kvr.runtime.storage.ObjectInfo;
import io.kvr.runtime.storage.ObjectStore;
import io.kvr.runtime.storage.StoredObject;
import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.ExportPart;
import io.kvr.schemas.ExportRequest;
import io.kvr.schemas.ExportStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Asynchronous exports (the Ti Top Streamer NVR API): {@code POST /v1/nvr/convert2mp4} answers {@code 202} with an
 * id once the request is checked against the index and stored in Kafka; {@code GET /v1/nvr/exports[/{id}]} shows
 * status and progress; {@code GET /v1/nvr/exports/{id}/file} downloads a finished file (Range supported);
 * {@code DELETE /v1/nvr/exports/{id}} removes it. At most {@code exporter.queue.max} jobs wait to run (of all
 * instances, as the status topic shows them); a submission beyond that is refused with {@code 429} and
 * {@code Retry-After}. Every route needs an operator whose credential covers the job's stream and range (the list
 * shows those jobs only).
 */
public final class JobRoutes implements Routes {
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    /** Seconds a refused submission is told to wait: about what a queued job of a few minutes takes. */
    static final int RETRY_AFTER_SECONDS = 30;

    private final ExportPlanner planner;
    private final JobLog jobs;
    private final StatusBook book;
    private final ObjectStore store;
    private final long maxRangeMs;
    private final int queueMax;
    private final Counter refused;

    public JobRoutes(
            ExportPlanner planner,
            JobLog jobs,
            StatusBook book,
            ObjectStore store,
            long maxRangeMs,
            int queueMax,
            MeterRegistry metrics) {
        this.planner = planner;
        this.jobs = jobs;
        this.book = book;
        this.store = store;
        this.maxRangeMs = maxRangeMs;
        this.queueMax = queueMax;
        this.refused = metrics.counter("exporter.jobs.refused");
        Gauge.builder("exporter.queue.max", () -> queueMax)
                .strongReference(true)
                .description("export jobs waiting to run at most")
                .register(metrics);
        Gauge.builder("exporter.jobs.queued", book, StatusBook::queued)
                .strongReference(true)
                .description("export jobs waiting to run")
                .register(metrics);
    }

    @Override
    public void register(Router router) {
        router.post("/v1/nvr/convert2mp4", Role.OPERATOR, this::submit);
        router.get(
                "/v1/nvr/exports",
                Role.OPERATOR,
                req -> HttpService.json(
                        200,
                        Map.of(
                                "exports",
                                book.all().stream()
                                        .filter(s -> covers(req, s))
                                        .map(JobRoutes::json)
                                        .toList())));
        router.get("/v1/nvr/exports/{id}", Role.OPERATOR, req -> HttpService.json(200, json(status(req))));
        router.get("/v1/nvr/exports/{id}/file", Role.OPERATOR, this::file);
        router.delete("/v1/nvr/exports/{id}", Role.OPERATOR, this::delete);
    }

    private Response submit(Request req) {
        JsonNode body;
        try {
            body = Json.tree(req.body());
        } catch (InvalidJsonException e) {
            throw HttpError.badRequest(e.getMessage() + "; expected a JSON object with app_name, stream_name, "
                    + "start_time, end_time or duration, file_name");
        }
        if (!body.isObject()) {
            throw HttpError.badRequest("body must be a JSON object (app_name, stream_name, start_time, "
                    + "end_time or duration, file_name)");
        }
        StreamName stream = ExportParams.stream(text(body, "app_name"), text(body, "stream_name"));
        req.access().requireStream(stream.id());
        JsonNode preciseNode = body.get("precise");
        if (preciseNode != null && !preciseNode.isNull() && !preciseNode.isBoolean()) {
            throw HttpError.badRequest("precise must be true or false");
        }
        boolean precise = preciseNode == null || preciseNode.isNull() || preciseNode.asBoolean();
        ExportFormat format = ExportParams.format(text(body, "format"));
        ExportRange range = ExportParams.range(
                stream,
                number(body, "start_time"),
                number(body, "end_time"),
                number(body, "duration"),
                precise,
                format,
                maxRangeMs);
        req.access().requireRange(range.startMs(), range.endMs());
        String fileName = Optional.ofNullable(ExportParams.fileName(text(body, "file_name")))
                .orElse(ExportParams.defaultFileName(range));
        // a full queue refuses before the index is asked
        int waiting = book.queued();
        if (waiting >= queueMax) {
            refused.increment();
            return HttpService.error(
                            429,
                            waiting + " export jobs are waiting to run (exporter.queue.max is " + queueMax
                                    + "); retry in " + RETRY_AFTER_SECONDS + " s")
                    .header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        }
        // refuses unknown streams and ranges without recording now, before anything is written, from the range's
        // first segments (the job plans the whole range when it runs); a codec change is no reason to refuse a
        // job: it writes one file per configuration
        try {
            planner.check(range);
        } catch (ExportRefusedException e) {
            if (e.codecChangeAtMs() < 0) {
                throw new HttpError(e.status(), e.getMessage());
            }
        } catch (IndexUnavailableException e) {
            throw new HttpError(503, "the segment index is not available: " + e.getMessage());
        }

        String id = UUID.randomUUID().toString().replace("-", "");
        long now = System.currentTimeMillis();
        ExportRequest request = ExportRequest.newBuilder()
                .setId(id)
                .setStreamId(stream.id())
                .setStartTimeMs(range.startMs())
                .setEndTimeMs(range.endMs())
                .setFileName(fileName)
                .setPrecise(precise)
                .setRequestedAtMs(now)
                .setFormat(format.value())
                .build();
        ExportStatus queued = ExportStatus.newBuilder()
                .setId(id)
                .setStreamId(stream.id())
                .setStartTimeMs(range.startMs())
                .setEndTimeMs(range.endMs())
                .setFileName(fileName)
                .setState("queued")
                .setRequestedAtMs(now)
                .setUpdatedAtMs(now)
                .setFormat(format.value())
                .build();
        try {
            jobs.submit(request, queued);
        } catch (io.kvr.runtime.kafka.AcknowledgedProducer.WriteFailed e) {
            throw new HttpError(503, "cannot queue the export: " + e.getMessage());
        }
        book.put(queued);
        return HttpService.json(202, json(queued)).header("Location", "/v1/nvr/exports/" + id);
    }

    /** The job of the path's id; 403 unless the credential covers its stream and range. */
    private ExportStatus status(Request req) {
        String id = req.param("id");
        if (id == null || !ID.matcher(id).matches()) {
            throw HttpError.notFound("no export with this id");
        }
        ExportStatus s = book.get(id).orElseThrow(() -> HttpError.notFound("no export " + id));
        req.access().requireStream(s.getStreamId()).requireRange(s.getStartTimeMs(), s.getEndTimeMs());
        return s;
    }

    private static boolean covers(Request req, ExportStatus s) {
        return req.access().covers(s.getStreamId())
                && req.access().grant().coversRange(s.getStartTimeMs(), s.getEndTimeMs());
    }

    private Response file(Request req) {
        ExportStatus s = status(req);
        if (!s.getState().equals("done") || s.getObjectKey() == null) {
            String state = s.getState().equals("failed")
                    ? "failed: " + s.getReason()
                    : s.getState() + " (" + s.getProgress() + "%)";
            throw new HttpError(409, "export " + s.getId() + " is " + state);
        }
        String key = partKey(s, req.queryParam("part").orElse(null));
        ObjectInfo info =
                store.stat(key).orElseThrow(() -> HttpError.notFound("the file of export " + s.getId() + " is gone"));
        Optional<ByteRange> part = ByteRange.requested(req.header("Range").orElse(null), info.size());
        long first = part.map(ByteRange::first).orElse(0L);
        long length = part.map(ByteRange::length).orElse(info.size());
        StoredObject o = store.open(key, first, length)
                .orElseThrow(() -> HttpError.notFound("the file of export " + s.getId() + " is gone"));
        Response r = Response.stream(
                        part.isPresent() ? 206 : 200,
                        "video/mp4",
                        length,
                        out -> o.stream().transferTo(out))
                .closing(o)
                .header("Accept-Ranges", "bytes")
                .header("Content-Disposition", ExportParams.contentDisposition(s.getFileName()));
        part.ifPresent(p -> r.header("Content-Range", p.contentRange(info.size())));
        return r;
    }

    /** The object of {@code ?part=N} (default 0, the file at the status' object key). */
    private static String partKey(ExportStatus s, String part) {
        if (part == null || part.equals("0")) {
            return s.getObjectKey();
        }
        if (!part.matches("[0-9]{1,6}")) {
            throw HttpError.badRequest("part must be a whole number from 0");
        }
        int n = Integer.parseInt(part);
        if (n >= Math.max(1, s.getParts().size())) {
            throw HttpError.notFound(
                    "export " + s.getId() + " has " + Math.max(1, s.getParts().size()) + " file(s); no part " + n);
        }
        return s.getParts().get(n).getObjectKey();
    }

    private Response delete(Request req) {
        ExportStatus s = status(req);
        book.forget(s.getId());
        jobs.remove(s.getId());
        JobRunner.objectKeys(s).forEach(store::remove);
        return Response.empty(204);
    }

    static Map<String, Object> json(ExportStatus s) {
        StreamName stream = StreamName.parse(s.getStreamId());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.getId());
        m.put("app_name", stream.app());
        m.put("stream_name", stream.stream());
        m.put("start_time", s.getStartTimeMs());
        m.put("end_time", s.getEndTimeMs());
        m.put("file_name", s.getFileName());
        m.put("format", s.getFormat());
        m.put("status", s.getState());
        m.put("progress", s.getProgress());
        m.put("bytes", s.getBytes());
        m.put("duration", s.getDurationMs());
        if (s.getReason() != null) {
            m.put("reason", s.getReason());
        }
        if (s.getState().equals("done")) {
            m.put("download_url", "/v1/nvr/exports/" + s.getId() + "/file");
            List<Map<String, Object>> parts = new ArrayList<>();
            for (int i = 0; i < s.getParts().size(); i++) {
                ExportPart p = s.getParts().get(i);
                Map<String, Object> part = new LinkedHashMap<>();
                part.put("part", i);
                part.put("start_time", p.getStartTimeMs());
                part.put("end_time", p.getEndTimeMs());
                part.put("bytes", p.getBytes());
                part.put("duration", p.getDurationMs());
                part.put("download_url", "/v1/nvr/exports/" + s.getId() + "/file" + (i == 0 ? "" : "?part=" + i));
                parts.add(part);
            }
            m.put("parts", parts);
        }
        m.put("requested_at", s.getRequestedAtMs());
        m.put("updated_at", s.getUpdatedAtMs());
        return m;
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw HttpError.badRequest(field + " must be a string");
        }
        return n.asText();
    }

    /** A whole number (or a string of digits, as some clients send) as text for {@link ExportParams}. */
    private static String number(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isIntegralNumber()) {
            return n.asText();
        }
        if (n.isTextual()) {
            return n.asText();
        }
        throw HttpError.badRequest(field + " must be a whole number of milliseconds");
    }
}
