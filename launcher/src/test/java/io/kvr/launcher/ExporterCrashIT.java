package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvr.http.HttpService;
import io.kvr.http.Router;
import io.kvr.http.access.AccessControl;
import io.kvr.index.IndexRoutes;
import io.kvr.index.IndexedSegment;
import io.kvr.schemas.SegmentRecord;
import io.kvr.testsupport.FFmpegTools;
import io.kvr.testsupport.FreePort;
import io.kvr.testsupport.JsonValues;
import io.kvr.testsupport.TestCamera;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export job survives {@code kill -9} of its exporter: the exporter runs alone in its own JVM
 * ({@code ExporterMain}, index over HTTP), slowed down so the job is still running when it is killed; a new
 * exporter JVM finds the request's offset uncommitted, runs the job again and ends it {@code done} with a file
 * identical to a direct download of the same range.
 */
class ExporterCrashIT {
    private static final String STREAM = "live/cam";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path data;

    @Test
    void aJobInterruptedByKillDashNineIsFinishedByTheNextExporter() throws Exception {
        try (TestCamera camera = TestCamera.start();
                RecordingRig rig = RecordingRig.start(data, 2);
                HttpService index = HttpService.start(
                        "127.0.0.1", 0, new Router(AccessControl.open()).include(new IndexRoutes(rig.index())))) {
            rig.startBridge(Map.of(STREAM, camera.url(TestCamera.H264_AAC)));
            rig.startSegmenter();
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> recorded(rig) >= 10_000);
            List<SegmentRecord> segments = segments(rig);
            long start = segments.get(0).getStartTimeMs();
            long end = segments.get(segments.size() - 1).getEndTimeMs();

            Map<String, String> settings = new LinkedHashMap<>(rig.settings());
            settings.put("exporter.index.url", index.baseUrl() + "/");
            // the dead member leaves the group after 6 s rather than 45 s
            settings.put("kafka.session.timeout.ms", "6000");
            settings.put("kafka.heartbeat.interval.ms", "1000");
            Map<String, String> slow = new LinkedHashMap<>(settings);
            slow.put("exporter.rate.limit", "100000"); // ~100 kB/s: a 10 s recording takes about 10 s or more
            Path log = data.resolve("exporter.log");

            int port1 = FreePort.pick();
            String id;
            try (AppProcess first = AppProcess.start(io.kvr.exporter.ExporterMain.class, slow, port1, log)) {
                await().atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(250))
                        .until(first::healthy);
                var submitted = send(
                        port1,
                        "POST",
                        "/v1/nvr/convert2mp4",
                        "{\"app_name\":\"live\",\"stream_name\":\"cam\"," + "\"start_time\":" + start + ",\"end_time\":"
                                + end + "}");
                assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
                id = (String) JsonValues.parseObject(submitted.body()).get("id");
                AtomicReference<Map<String, Object>> seen = new AtomicReference<>();
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            seen.set(JsonValues.parseObject(send(port1, "GET", "/v1/nvr/exports/" + id, null)
                                    .body()));
                            return "running".equals(seen.get().get("status"))
                                    && (Long) seen.get().get("progress") >= 10;
                        });
                assertThat((Long) seen.get().get("progress")).isLessThan(90L);
                first.kill();
            }

            int port2 = FreePort.pick();
            try (AppProcess second = AppProcess.start(io.kvr.exporter.ExporterMain.class, settings, port2, log)) {
                await().atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(250))
                        .until(second::healthy);
                await().atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> "done"
                                .equals(JsonValues.parseObject(send(port2, "GET", "/v1/nvr/exports/" + id, null)
                                                .body())
                                        .get("status")));
                Path job = data.resolve("job.mp4");
                Path direct = data.resolve("direct.mp4");
                assertThat(HTTP.send(
                                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port2
                                                        + "/v1/nvr/exports/" + id + "/file"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofFile(job))
                                .statusCode())
                        .isEqualTo(200);
                assertThat(HTTP.send(
                                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port2 + "/" + STREAM
                                                        + "/export.mp4?start_time=" + start + "&end_time=" + end))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofFile(direct))
                                .statusCode())
                        .isEqualTo(200);
                assertThat(Files.size(job)).isGreaterThan(100_000);
                assertThat(Files.readAllBytes(job)).isEqualTo(Files.readAllBytes(direct));
                var probe = FFmpegTools.probe(job.toString());
                assertThat(probe.codecNames()).contains("h264", "aac");
                var decoded = FFmpegTools.decode(Duration.ofSeconds(120), job.toString());
                assertThat(decoded.exitCode()).as(decoded.describe()).isZero();
                assertThat(decoded.stderr()).isBlank();
                // the export still answers when listed by the restarted instance
                assertThat(send(port2, "GET", "/v1/nvr/exports", null).body()).contains(id);
            }
        }
    }

    private static HttpResponse<String> send(int port, String method, String path, String body) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20));
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<SegmentRecord> segments(RecordingRig rig) {
        return rig.index().latest(STREAM, 1000).stream()
                .map(IndexedSegment::segment)
                .toList();
    }

    private static long recorded(RecordingRig rig) {
        List<SegmentRecord> s = segments(rig);
        return s.isEmpty() ? 0 : s.get(s.size() - 1).getEndTimeMs() - s.get(0).getStartTimeMs();
    }
}
