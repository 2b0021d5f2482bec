package io.kvr.exporter.http;

import io.kvr.exporter.capacity.ExportSlots;
import io.kvr.exporter.plan.ExportFormat;
import io.kvr.exporter.plan.ExportPlan;
import io.kvr.exporter.plan.ExportPlanner;
import io.kvr.exporter.plan.ExportRange;
import io.kvr.exporter.plan.ExportRefusedException;
import io.kvr.exporter.plan.ExportStart;
import io.kvr.exporter.write.ExportWriter;
import io.kvr.http.ByteRange;
import io.kvr.http.HttpError;
import io.kvr.http.HttpService;
import io.kvr.http.Request;
import io.kvr.http.Response;
import io.kvr.http.Router;
import io.kvr.http.Routes;
import io.kvr.http.access.Role;
import io.kvr.index.IndexUnavailableException;
import io.kvr.runtime.stream.StreamName;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /{app}/{stream}/export.mp4?start_time=MS&end_time=MS|duration=MS[&precise=false][&format=fmp4]}: the
 * MP4 (progressive, or fragmented with {@code format=fmp4}) streamed as it is produced. Up to
 * {@code exporter.download.sized.max} (and for any request with {@code Range}) its length is known before the
 * first byte (the header is built from the index), so {@code Content-Length} and single {@code Range} requests
 * work and a player can seek while it downloads; longer ranges start at once, chunked (see {@link #startedAtOnce}).
 * Each download holds one of the instance's {@link ExportSlots} from its planning to its last byte; when none is
 * free it is refused with {@code 503} and {@code Retry-After}. A viewer's route: the credential must cover the
 * stream and the range.
 */
public final class DownloadRoutes implements Routes {
    private static final Logger log = LoggerFactory.getLogger(DownloadRoutes.class);
    /** Seconds a refused download is told to wait: downloads of a few minutes end within seconds. */
    static final int RETRY_AFTER_SECONDS = 5;

    private final ExportPlanner planner;
    private final ExportWriter writer;
    private final long maxRangeMs;
    private final long sizedMaxMs;
    private final ExportSlots slots;
    private final AtomicInteger running;
    private final Counter downloads;
    private final Counter failures;
    private final Counter bytes;
    private final Counter refused;

    /**
     * Ranges up to {@code sizedMaxMs} are planned whole before the first byte and sent with their length; longer
     * ones (unless a {@code Range} header asks for part of them) start as soon as their first segment is planned.
     */
    public DownloadRoutes(
            ExportPlanner planner,
            ExportWriter writer,
            long maxRangeMs,
            long sizedMaxMs,
            ExportSlots slots,
            MeterRegistry metrics) {
        this.planner = planner;
        this.slots = slots;
        this.sizedMaxMs = sizedMaxMs;
        this.writer = writer;
        this.maxRangeMs = maxRangeMs;
        this.running = metrics.gauge("exporter.downloads.running", new AtomicInteger());
        this.downloads = metrics.counter("exporter.downloads", "result", "done");
        this.failures = metrics.counter("exporter.downloads", "result", "failed");
        this.bytes = metrics.counter("exporter.bytes", "kind", "download");
        this.refused = metrics.counter("exporter.downloads.refused");
    }

    @Override
    public void register(Router router) {
        router.get("/{app}/{stream}/export.mp4", Role.VIEWER, this::download);
    }

    private Response download(Request req) {
        StreamName stream = ExportParams.stream(req.param("app"), req.param("stream"));
        req.access().requireStream(stream.id());
        ExportFormat format = ExportParams.format(req.queryParam("format").orElse(null));
        ExportRange range = ExportParams.range(
                stream,
                req.queryParam("start_time").orElse(null),
                req.queryParam("end_time").orElse(null),
                req.queryParam("duration").orElse(null),
                ExportParams.flag("precise", req.queryParam("precise").orElse(null), true),
                format,
                maxRangeMs);
        req.access().requireRange(range.startMs(), range.endMs());
        String name = Optional.ofNullable(
                        ExportParams.fileName(req.queryParam("file_name").orElse(null)))
                .orElse(ExportParams.defaultFileName(range));
        Optional<String> rangeHeader = req.header("Range");
        Optional<ExportSlots.Slot> slot = slots.tryTake();
        if (slot.isEmpty()) {
            refused.increment();
            return HttpService.error(
                            503,
                            "the exporter is busy: " + slots.max() + " exports are running "
                                    + "(exporter.concurrent.max); retry in " + RETRY_AFTER_SECONDS + " s")
                    .header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        }
        try {
            // the slot is given back when the answer is done, also when its body is never written
            Response r = rangeHeader.isPresent() || range.durationMs() <= sizedMaxMs
                    ? sized(stream, range, name, plan(planner, range), rangeHeader)
                    : startedAtOnce(stream, range, name);
            return r.closing(slot.get());
        } catch (RuntimeException e) {
            slot.get().close();
            throw e;
        }
    }

    /** The whole plan first, then a response of known length ({@code Range} works). */
    private Response sized(
            StreamName stream, ExportRange range, String name, ExportPlan plan, Optional<String> rangeHeader) {
        Optional<ByteRange> part = ByteRange.requested(rangeHeader.orElse(null), plan.size());
        long first = part.map(ByteRange::first).orElse(0L);
        long length = part.map(ByteRange::length).orElse(plan.size());
        Response r = Response.stream(
                part.isPresent() ? 206 : 200,
                "video/mp4",
                length,
                out -> send(stream, range, sent -> writer.write(plan, first, first + length, out, sent)));
        headers(r, name, plan.firstFrameMs(), plan.startMs())
                .header("X-Kvr-Duration", Long.toString(plan.durationMs()));
        part.ifPresent(p -> r.header("Content-Range", p.contentRange(plan.size())));
        return r;
    }

    /**
     * A long range: the {@code moov} goes first and needs every sample of the range, which takes seconds to read
     * from the index for a day. So the answer starts as soon as the first segment is planned (refusals found
     * until then are still 4xx), chunked, with the {@code ftyp}; the rest follows when the plan is whole. A codec
     * change found later ends the answer without its last chunk, so the client sees it is incomplete.
     */
    private Response startedAtOnce(StreamName stream, ExportRange range, String name) {
        CompletableFuture<ExportStart> started = new CompletableFuture<>();
        CompletableFuture<ExportPlan> planned = new CompletableFuture<>();
        Thread.ofVirtual().name("export-plan").start(() -> {
            try {
                planned.complete(planner.plan(range, started::complete));
            } catch (RuntimeException e) {
                planned.completeExceptionally(e);
            }
        });
        try {
            CompletableFuture.anyOf(started, planned).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException failure ? answer(failure) : e; // a refusal as its 4xx
        }
        if (!started.isDone()) {
            // the plan ended whole without announcing its first segment: send it with its length
            return sized(stream, range, name, planned.join(), Optional.empty());
        }
        // started, so chunked even when the plan happens to be whole already: a long range is always answered
        // the same way, whatever the machine's speed
        ExportStart start = started.join();
        Response r = Response.chunked(
                200,
                "video/mp4",
                out -> send(stream, range, sent -> {
                    out.write(start.fileType());
                    out.flush();
                    sent.accept(start.fileType().length);
                    ExportPlan plan = awaitPlan(stream, planned);
                    writer.write(plan, start.fileType().length, plan.size(), out, sent);
                }));
        return headers(r, name, start.firstFrameMs(), start.startMs());
    }

    private static ExportPlan awaitPlan(StreamName stream, CompletableFuture<ExportPlan> planned) throws IOException {
        try {
            return planned.join();
        } catch (CompletionException e) {
            throw new IOException(
                    "export of " + stream + " refused after its first bytes: "
                            + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    private static Response headers(Response r, String name, long firstFrameMs, long startMs) {
        return r.header("Accept-Ranges", "bytes")
                .header("Content-Disposition", ExportParams.contentDisposition(name))
                .header("X-Kvr-First-Frame-Time", Long.toString(firstFrameMs))
                .header("X-Kvr-Start-Time", Long.toString(startMs));
    }

    /** Writes a download with its metrics, logging one that stops early with the camera and the reason. */
    private void send(StreamName stream, ExportRange range, Body body) throws IOException {
        running.incrementAndGet();
        long[] sent = {0};
        try {
            body.write(n -> sent[0] = n);
            downloads.increment();
        } catch (RuntimeException | IOException e) {
            failures.increment();
            log.warn(
                    "export of {} {}..{} stopped after {} bytes: {}",
                    stream,
                    range.startMs(),
                    range.endMs(),
                    sent[0],
                    e.toString());
            throw e;
        } finally {
            bytes.increment(sent[0]);
            running.decrementAndGet();
        }
    }

    @FunctionalInterface
    private interface Body {
        void write(LongConsumer sent) throws IOException;
    }

    /** Plans, mapping refusals and an unreachable index to HTTP answers. */
    static ExportPlan plan(ExportPlanner planner, ExportRange range) {
        try {
            return planner.plan(range);
        } catch (RuntimeException e) {
            throw answer(e);
        }
    }

    /** A planning failure as its HTTP answer: refusals keep their status, an unreachable index is 503. */
    private static RuntimeException answer(RuntimeException e) {
        if (e instanceof ExportRefusedException r) {
            return new HttpError(r.status(), r.getMessage());
        }
        if (e instanceof IndexUnavailableException) {
            return new HttpError(503, "the segment index is not available: " + e.getMessage());
        }
        return e;
    }
}
