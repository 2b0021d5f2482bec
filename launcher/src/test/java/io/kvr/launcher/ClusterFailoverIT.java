package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvr.index.HttpSegmentIndex;
import io.kvr.index.IndexedSegment;
import io.kvr.index.SegmentIndex;
import io.kvr.schemas.SegmentRecord;
import io.kvr.testsupport.FFmpegTools;
import io.kvr.testsupport.JsonValues;
import io.kvr.testsupport.TestCamera;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.assertj.core.data.Offset;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scale-out and failover test: {@code ./dev/cluster} starts {@code kvr infra} (Kafka broker and S3 server)
 * and every app as its own JVM — 2 bridges, 2 segmenters, 2 indexers, 1 exporter, 2 edges — recording six cameras
 * (six streams of one shared GStreamer mount). The cameras are spread over both bridges by the sources topic's
 * consumer group. Then one instance of each replicated app is killed with SIGKILL, at once, and the test shows:
 * every camera keeps recording (no hole over 30 s in the index, recording continues after the kill); every access
 * unit that reached the media topic is a sample of exactly one indexed segment ({@link SegmentCoverage}); both
 * edges serve identical range playlists, before the kill and (the killed edge restarted) across it; an export of a
 * past range asked for just before the kill and one of every camera asked for just after it (while the indexers
 * rebalance) all end {@code done} with a valid MP4 of the range.
 * The edges ask indexer 1, which routes each stream to its owner (a Kubernetes Service stands there in production).
 */
class ClusterFailoverIT {
    private static final Logger log = LoggerFactory.getLogger(ClusterFailoverIT.class);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> STREAMS =
            IntStream.range(0, 6).mapToObj(i -> "failover/cam" + i).toList();
    private static final long MAX_GAP_MS = 30_000;
    /** Recording after the kill, once every camera is recorded again. */
    private static final Duration AFTER_RECOVERY = Duration.ofSeconds(20);
    /** Length of the export requested before the kill; those after it are half as long. */
    private static final long EXPORT_MS = 20_000;

    TestCamera camera;
    ClusterScript cluster;
    /** Export id to the range it covers, for the exports requested around the kill. */
    final Map<String, ExportRange> exports = new TreeMap<>();

    record ExportRange(String stream, long startMs, long endMs) {}

    @AfterEach
    void stop() {
        if (cluster != null) {
            try {
                log.info("cluster at the end:\n{}", cluster.status());
            } catch (RuntimeException e) {
                log.warn("no status: {}", e.getMessage());
            }
            cluster.close();
        }
        if (camera != null) {
            camera.close();
        }
    }

    @Test
    void camerasKeepRecordingAndNoPublishedUnitIsLostWhenOneOfEachAppIsKilled() throws Exception {
        camera = TestCamera.start();
        // outside any temporary directory, so the logs outlive a failed run
        cluster = new ClusterScript(
                Path.of("target", "ClusterFailoverIT").toAbsolutePath(),
                // a killed member's partitions and cameras move after this (the broker's minimum is 6 s)
                Map.of("KVR_CLUSTER_SESSION_TIMEOUT_MS", "6000"));
        List<String> args = new ArrayList<>();
        STREAMS.forEach(s -> args.addAll(List.of("--camera", s + "=" + camera.url(TestCamera.H264))));
        // the test camera answers DESCRIBE once its encoder has prerolled: with ten JVMs starting (and, after the
        // kill, restarting) on two cores that took over the default 5 s, and every retry timed out the same way
        args.add("bridge.read.timeout=15s");
        long started = System.nanoTime();
        cluster.start(args);
        log.info("cluster up in {} s:\n{}", (System.nanoTime() - started) / 1_000_000_000, cluster.status());
        SegmentIndex index = new HttpSegmentIndex(URI.create(cluster.url("indexer", 1) + "/"));

        // 1. every camera recorded, the cameras spread over both bridges
        long recordingFrom = System.currentTimeMillis();
        Map<String, String> recorded = new TreeMap<>();
        try {
            await("every camera recorded")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> recordingState(index, recordingFrom, recorded));
        } catch (ConditionTimeoutException e) {
            // says which camera is missing and why, with what each app logged last: the run directory may be gone
            throw new AssertionError(
                    "not every camera recorded 2 segments within 2 minutes: " + recorded + "\n"
                            + cluster.status() + warnings() + "\n--- camera:\n"
                            + camera.recentOutput(),
                    e);
        }
        // the bridges join the sources group one after the other: the cameras spread once both are in
        Map<String, Set<String>> byBridge = await("cameras on both bridges")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .until(
                        this::camerasByInstance,
                        m -> m.keySet().equals(Set.of("bridge-1", "bridge-2"))
                                && m.values().stream().mapToInt(Set::size).sum() == STREAMS.size());
        log.info("cameras by bridge: {}", byBridge);

        // 2. both edges, asked for the same past range, answer the same playlist
        long rangeStart = firstStart(index);
        // ends before the newest indexed segment of every stream ends: no segment of the range still open
        long rangeEnd = STREAMS.stream().mapToLong(s -> lastEnd(index, s)).min().orElseThrow() - 1_000;
        for (String s : STREAMS) {
            assertSamePlaylist(s, rangeStart, rangeEnd);
        }

        // 3. one of each replicated app killed at once; exports asked for just before (a camera of the killed bridge)
        // and just after it (every camera: some have their index on the killed indexer)
        String exported = byBridge.get("bridge-2").iterator().next();
        ExportRange past =
                new ExportRange(exported, Math.max(firstStart(index, exported), rangeEnd - EXPORT_MS), rangeEnd);
        List<ExportRange> afterKill = STREAMS.stream()
                .map(s -> new ExportRange(s, Math.max(firstStart(index, s), rangeEnd - EXPORT_MS / 2), rangeEnd))
                .toList();
        startExportDuringTheKill(past, Duration.ZERO);
        long killedAt = System.currentTimeMillis();
        for (String app : List.of("bridge", "segmenter", "indexer", "edge")) {
            cluster.kill(app, 2);
        }
        log.info("killed bridge-2 (cameras {}), segmenter-2, indexer-2, edge-2", byBridge.get("bridge-2"));
        for (ExportRange range : afterKill) {
            startExportDuringTheKill(range, Duration.ofSeconds(90));
        }
        await("every camera recorded again after the kill")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .until(() -> STREAMS.stream().allMatch(s -> lastStart(index, s) > killedAt));
        log.info("every camera recorded again {} s after the kill", (System.currentTimeMillis() - killedAt) / 1000);
        assertThat(camerasByInstance().keySet())
                .as("bridges pulling cameras after the kill")
                .containsExactly("bridge-1");
        Thread.sleep(AFTER_RECOVERY.toMillis());
        assertExportCompleted();

        // 4. the cameras stop: every session ends, and the segmenter closes the last segments
        camera.close();
        camera = null;
        long stoppedAt = System.currentTimeMillis();
        Map<String, List<SegmentCoverage.Unit>> published =
                SegmentCoverage.published(cluster.addresses().get("kafka.bootstrap.servers"), "kvr.media.v1");
        assertThat(published.keySet()).containsExactlyInAnyOrderElementsOf(STREAMS);
        Map<String, SegmentCoverage.Report> reports = new TreeMap<>();
        Map<String, List<SegmentRecord>> segments = new HashMap<>();
        try {
            await("every published unit in exactly one indexed segment")
                    .atMost(Duration.ofSeconds(90))
                    .pollDelay(Duration.ofSeconds(2))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> {
                        for (String s : STREAMS) {
                            segments.put(
                                    s,
                                    index.latest(s, 100_000).stream()
                                            .map(IndexedSegment::segment)
                                            .toList());
                            reports.put(s, SegmentCoverage.check(s, published.get(s), segments.get(s)));
                        }
                        return reports.values().stream()
                                .allMatch(r -> r.problems().isEmpty());
                    });
        } catch (ConditionTimeoutException e) {
            // the assertions below name what is missing, stream by stream
        }
        reports.values().forEach(r -> log.info("{}", r));

        for (String s : STREAMS) {
            SegmentCoverage.Report r = reports.get(s);
            assertThat(r.problems()).as("%s", r).isEmpty();
            assertThat(r.expectedVideo()).as("video units of %s", s).isGreaterThan(25 * 30);
            List<SegmentRecord> sorted = new ArrayList<>(segments.get(s));
            sorted.sort(Comparator.comparingLong(SegmentRecord::getStartTimeMs));
            long maxGap = 0;
            for (int i = 1; i < sorted.size(); i++) {
                maxGap = Math.max(
                        maxGap,
                        sorted.get(i).getStartTimeMs() - sorted.get(i - 1).getEndTimeMs());
            }
            log.info("{}: {} segments, longest hole {} ms", s, sorted.size(), maxGap);
            assertThat(maxGap).as("longest hole in the recording of %s", s).isLessThanOrEqualTo(MAX_GAP_MS);
            assertThat(sorted.get(sorted.size() - 1).getEndTimeMs())
                    .as("end of the recording of %s", s)
                    .isGreaterThan(killedAt + AFTER_RECOVERY.toMillis());
        }

        // 5. the killed edge, started again, serves the same playlist as the other, across the kill
        cluster.restart("edge", 2);
        await("edge-2 up again")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> status(cluster.url("edge", 2) + "/health") == 200);
        for (String s : STREAMS) {
            assertSamePlaylist(s, rangeStart, stoppedAt);
        }
    }

    /**
     * An export requested during the kill completes: asks the exporter for an MP4 of {@code range}
     * ({@code POST /v1/nvr/convert2mp4}). The exporter checks the range against the index first; while the killed
     * indexer's streams move, it may answer 503, and a client asks again, as this does for up to {@code retryFor}.
     */
    private void startExportDuringTheKill(ExportRange range, Duration retryFor) throws Exception {
        int slash = range.stream().indexOf('/');
        String body = "{\"app_name\":\"" + range.stream().substring(0, slash) + "\",\"stream_name\":\""
                + range.stream().substring(slash + 1) + "\",\"start_time\":" + range.startMs()
                + ",\"end_time\":" + range.endMs() + "}";
        Callable<HttpResponse<String>> request = () -> HTTP.send(
                HttpRequest.newBuilder(URI.create(cluster.url("exporter", 1) + "/v1/nvr/convert2mp4"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> r = request.call();
        if (r.statusCode() == 503 && !retryFor.isZero()) {
            log.info("export of {} refused for now: {}", range, r.body());
            r = await("export of " + range + " accepted")
                    .atMost(retryFor)
                    .pollInterval(Duration.ofSeconds(1))
                    .until(request, answer -> answer.statusCode() != 503);
        }
        assertThat(r.statusCode()).as("export request %s: %s", body, r.body()).isEqualTo(202);
        String id = (String) JsonValues.parseObject(r.body()).get("id");
        exports.put(id, range);
        log.info("export {} of {} requested", id, range);
    }

    /**
     * The other half of {@link #startExportDuringTheKill}: every export requested around the kill ends {@code done},
     * and its file downloads as an MP4 of the range (ffprobe: H.264 video as long as the job says, at least 80 % of
     * the range; FFmpeg decodes it without error).
     */
    private void assertExportCompleted() throws Exception {
        assertThat(exports).hasSize(1 + STREAMS.size());
        // cameras whose frames came with repeated times export frames one tick long (see FFmpegTools.decode)
        String metrics = get(cluster.url("bridge", 1) + "/metrics");
        log.info(
                "bridge-1 repeated timestamps: {}",
                metrics == null
                        ? "no metrics"
                        : metrics.lines()
                                .filter(l -> l.startsWith("kvr_bridge_clock_corrections") && l.contains("repeat"))
                                .toList());
        String exporter = cluster.url("exporter", 1);
        for (Map.Entry<String, ExportRange> e : exports.entrySet()) {
            String id = e.getKey();
            ExportRange range = e.getValue();
            Map<String, Object> status = await("export " + id + " of " + range + " finished")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions()
                    .until(
                            () -> JsonValues.parseObject(get(exporter + "/v1/nvr/exports/" + id)),
                            st -> "done".equals(st.get("status")) || "failed".equals(st.get("status")));
            log.info("export {}: {}", id, status);
            assertThat(status)
                    .as("export %s of %s", id, range)
                    .containsEntry("status", "done")
                    .containsEntry("download_url", "/v1/nvr/exports/" + id + "/file");
            long jobMs = (Long) status.get("duration");
            long requestedMs = range.endMs() - range.startMs();
            assertThat(jobMs).as("duration of export %s", id).isBetween(requestedMs * 8 / 10, requestedMs);

            Path file = cluster.dir().resolve("export-" + id + ".mp4");
            HttpResponse<Path> download = HTTP.send(
                    HttpRequest.newBuilder(URI.create(exporter + "/v1/nvr/exports/" + id + "/file"))
                            .timeout(Duration.ofSeconds(60))
                            .build(),
                    HttpResponse.BodyHandlers.ofFile(file));
            assertThat(download.statusCode()).as("download of export %s", id).isEqualTo(200);
            assertThat(Files.size(file)).isEqualTo((Long) status.get("bytes"));
            FFmpegTools.Probe probe = FFmpegTools.probe(file.toString());
            assertThat(probe.formatName()).contains("mp4");
            Map<String, Object> video = probe.firstStream("video").orElseThrow();
            assertThat(video).containsEntry("codec_name", "h264");
            assertThat(Double.parseDouble((String) video.get("duration")))
                    .as("video duration of %s", file)
                    .isCloseTo(jobMs / 1000.0, Offset.offset(0.1));
            FFmpegTools.DecodeCheck decoded = FFmpegTools.decodeCheck(Duration.ofSeconds(120), file.toString());
            if (!decoded.excused().isEmpty()) {
                log.warn("export {}: frame times FFmpeg's decoder made up collide: {}", id, decoded.excused());
            }
            assertThat(decoded.errors()).as("errors decoding %s", file).isEmpty();
        }
    }

    private void assertSamePlaylist(String stream, long startMs, long endMs) throws Exception {
        String path = "/" + stream + "/playlist.m3u8?start_time=" + startMs + "&end_time=" + endMs;
        String one = await("range playlist of " + stream + " from edge-1")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> get(cluster.url("edge", 1) + path), b -> b != null);
        String two = await("range playlist of " + stream + " from edge-2")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> get(cluster.url("edge", 2) + path), b -> b != null);
        assertThat(one)
                .as("range playlist of %s", stream)
                .contains("#EXT-X-ENDLIST")
                .contains(".m4s");
        assertThat(two)
                .as("range playlist of %s from edge-2 (edge-1 answered %s)", stream, one)
                .isEqualTo(one);
    }

    /** Which bridge pulls which camera, as bridge-1 lists them (cameras pulled elsewhere name their instance). */
    private Map<String, Set<String>> camerasByInstance() throws Exception {
        Map<String, Set<String>> out = new TreeMap<>();
        for (Object o : (List<?>) JsonValues.parse(get(cluster.url("bridge", 1) + "/v1/cameras"))) {
            Map<?, ?> c = (Map<?, ?>) o;
            Object state = c.get("state");
            if ("streaming".equals(state) || "remote".equals(state)) {
                out.computeIfAbsent(String.valueOf(c.get("instance")), k -> new TreeSet<>())
                        .add(c.get("app") + "/" + c.get("stream"));
            }
        }
        return out;
    }

    /** Whether every camera has 2 segments since {@code fromMs}; {@code state} gets each one's count or error. */
    private static boolean recordingState(SegmentIndex index, long fromMs, Map<String, String> state) {
        boolean all = true;
        for (String s : STREAMS) {
            try {
                long n = index.latest(s, 10).stream()
                        .filter(x -> x.segment().getStartTimeMs() >= fromMs)
                        .count();
                state.put(s, n + " segments");
                all &= n >= 2;
            } catch (RuntimeException e) {
                state.put(s, e.toString());
                all = false;
            }
        }
        return all;
    }

    /** The last warnings and errors each app logged, for a failure message. */
    private String warnings() {
        StringBuilder out = new StringBuilder();
        try (var dirs = Files.list(cluster.dir())) {
            for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
                Path log = d.resolve("log");
                if (Files.exists(log)) {
                    List<String> lines = Files.readAllLines(log).stream()
                            .filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))
                            .toList();
                    out.append("\n--- ")
                            .append(d.getFileName())
                            .append(": ")
                            .append(lines.size())
                            .append(" warnings");
                    lines.subList(Math.max(0, lines.size() - 8), lines.size())
                            .forEach(l -> out.append("\n").append(l, 0, Math.min(l.length(), 400)));
                }
            }
        } catch (IOException | RuntimeException e) {
            out.append("\nno logs: ").append(e);
        }
        return out.toString();
    }

    private static long lastStart(SegmentIndex index, String stream) {
        List<IndexedSegment> last = index.latest(stream, 1);
        return last.isEmpty() ? 0 : last.get(0).segment().getStartTimeMs();
    }

    private static long lastEnd(SegmentIndex index, String stream) {
        List<IndexedSegment> last = index.latest(stream, 1);
        return last.isEmpty() ? 0 : last.get(0).segment().getEndTimeMs();
    }

    private static long firstStart(SegmentIndex index, String stream) {
        return index.latest(stream, 100_000).stream()
                .mapToLong(s -> s.segment().getStartTimeMs())
                .min()
                .orElseThrow();
    }

    private static long firstStart(SegmentIndex index) {
        return STREAMS.stream()
                .flatMap(s -> index.latest(s, 100_000).stream())
                .mapToLong(s -> s.segment().getStartTimeMs())
                .min()
                .orElseThrow();
    }

    /** The body of a 200 answer; null otherwise (e.g. 503 while the index group rebalances). */
    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(15))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? r.body() : null;
    }

    private static int status(String url) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(3))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
