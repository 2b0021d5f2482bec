package io.kvr.exporter.http;

import io.kvr.exporter.plan.ExportFormat;
import io.kvr.exporter.plan.ExportPlan;
import io.kvr.exporter.plan.ExportPlanner;
import io.kvr.exporter.plan.ExportRange;
import io.kvr.exporter.plan.ExportRefusedException;
import io.kvr.exporter.write.ExportWriter;
import io.kvr.runtime.http.HttpError;
import io.kvr.runtime.http.Request;
import io.kvr.runtime.http.Response;
import io.kvr.runtime.http.Router;
import io.kvr.runtime.http.Routes;
import io.kvr.runtime.index.IndexUnavailableException;
import io.kvr.runtime.stream.StreamName;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /{app}/{stream}/export.mp4?start_time=MS&end_time=MS|duration=MS[&precise=false][&format=fmp4]}: the
 * MP4 (progressive, or fragmented with {@code format=fmp4}) streamed as it is produced. Its length is known before the first byte (the header is built from the index), so
 * {@code Content-Length} and single {@code Range} requests work, and a player can seek while it downloads.
 */
public final class DownloadRoutes implements Routes {
    private static final Logger log = LoggerFactory.getLogger(DownloadRoutes.class);

    private final ExportPlanner planner;
    private final ExportWriter writer;
    private final long maxRangeMs;
    private final AtomicInteger running;
    private final Counter downloads;
    private final Counter failures;
    private final Counter bytes;

    public DownloadRoutes(ExportPlanner planner, ExportWriter writer, long maxRangeMs, MeterRegistry metrics) {
        this.planner = planner;
        this.writer = writer;
        this.maxRangeMs = maxRangeMs;
        this.running = metrics.gauge("exporter.downloads.running", new AtomicInteger());
        this.downloads = metrics.counter("exporter.downloads", "result", "done");
        this.failures = metrics.counter("exporter.downloads", "result", "failed");
        this.bytes = metrics.counter("exporter.bytes", "kind", "download");
    }

    @Override
    public void register(Router router) {
        router.get("/{app}/{stream}/export.mp4", this::download);
    }

    private Response download(Request req) {
        StreamName stream = ExportParams.stream(req.param("app"), req.param("stream"));
        ExportFormat format = ExportParams.format(req.queryParam("format").orElse(null));
        ExportRange range = ExportParams.range(stream, req.queryParam("start_time").orElse(null),
                req.queryParam("end_time").orElse(null), req.queryParam("duration").orElse(null),
                ExportParams.flag("precise", req.queryParam("precise").orElse(null), true), format, maxRangeMs);
        String name = Optional.ofNullable(ExportParams.fileName(req.queryParam("file_name").orElse(null)))
                .orElse(ExportParams.defaultFileName(range));
        ExportPlan plan = plan(planner, range);
        Optional<ByteRange> part = ByteRange.parse(req.header("Range").orElse(null), plan.size());
        long first = part.map(ByteRange::first).orElse(0L);
        long length = part.map(ByteRange::length).orElse(plan.size());
        Response r = Response.stream(part.isPresent() ? 206 : 200, "video/mp4", length, out -> {
            running.incrementAndGet();
            long[] sent = {0};
            try {
                writer.write(plan, first, first + length, out, n -> sent[0] = n);
                downloads.increment();
            } catch (RuntimeException | java.io.IOException e) {
                failures.increment();
                log.warn("export of {} {}..{} stopped after {} bytes: {}", stream, range.startMs(), range.endMs(),
                        sent[0], e.toString());
                throw e;
            } finally {
                bytes.increment(sent[0]);
                running.decrementAndGet();
            }
        });
        r.header("Accept-Ranges", "bytes")
                .header("Content-Disposition", ExportParams.contentDisposition(name))
                .header("X-Kvr-First-Frame-Time", Long.toString(plan.firstFrameMs()))
                .header("X-Kvr-Start-Time", Long.toString(plan.startMs()))
                .header("X-Kvr-Duration", Long.toString(plan.durationMs()));
        part.ifPresent(p -> r.header("Content-Range", "bytes " + p.first() + "-" + p.last() + "/" + plan.size()));
        return r;
    }

    /** Plans, mapping refusals and an unreachable index to HTTP answers. */
    static ExportPlan plan(ExportPlanner planner, ExportRange range) {
        try {
            return planner.plan(range);
        } catch (ExportRefusedException e) {
            throw new HttpError(e.status(), e.getMessage());
        } catch (IndexUnavailableException e) {
            throw new HttpError(503, "the segment index is not available: " + e.getMessage());
        }
    }
}
