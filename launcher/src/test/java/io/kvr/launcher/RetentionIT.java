package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvr.index.IndexedSegment;
import io.kvr.runtime.config.S3Settings;
import io.kvr.runtime.storage.ObjectStore;
import io.kvr.schemas.SegmentRecord;
import io.kvr.testsupport.TestCamera;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention, through the one-process kvr: applications {@value #LIVE} and {@value #STOPPED} get a
 * 30 s retention, the indexer sweeps every {@value #SWEEP_MS} ms. {@value #LIVE} keeps recording: its old segments
 * disappear from object storage and the index while new ones keep coming. {@value #STOPPED}'s camera is removed
 * early: with no new segment to trigger anything, the sweep still deletes all of it, init segment included, and
 * the stream leaves the index. After a restart on the same data directory nothing deleted comes back and the
 * sweep goes on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetentionIT {
    private static final Logger log = LoggerFactory.getLogger(RetentionIT.class);
    private static final String LIVE = "ret/cam";
    private static final String STOPPED = "gone/cam";
    private static final long RETENTION_MS = 30_000;
    private static final long SWEEP_MS = 2_000;
    /** Segment length plus indexing delay plus camera clock against ours. */
    private static final long SLACK_MS = 6_000;

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path data;

    static TestCamera camera;
    static KvrServer kvr;
    static ObjectStore objects;
    static List<SegmentRecord> firstLive;
    static List<SegmentRecord> allStopped;

    @BeforeAll
    static void start() throws Exception {
        camera = TestCamera.start();
        kvr = startKvr(true);
        for (String app : List.of("ret", "gone")) {
            HttpResponse<String> r = send("PUT", "/v1/policies/" + app, "{\"retention_ms\": " + RETENTION_MS + "}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
    }

    /** {@code withStopped}: the configuration names the camera of {@value #STOPPED} too (added again at start). */
    private static KvrServer startKvr(boolean withStopped) {
        Map<String, String> cameras = new LinkedHashMap<>();
        cameras.put(LIVE, camera.url(TestCamera.H264));
        if (withStopped) {
            cameras.put(STOPPED, camera.url(TestCamera.H264));
        }
        KvrServer server = KvrServer.start(
                KvrOptions.parse(new String[] {
                    "run",
                    "--data",
                    data.toString(),
                    "--http",
                    "127.0.0.1:0",
                    "--kafka-port",
                    "0",
                    "--s3-port",
                    "0",
                    "indexer.retention.interval=" + SWEEP_MS + "ms"
                }),
                cameras);
        objects = new ObjectStore(
                new S3Settings(server.s3Endpoint(), "us-east-1", "kvr", "kvr", "kvr-embedded-secret", ""));
        return server;
    }

    @AfterAll
    static void stop() {
        if (kvr != null) {
            kvr.close();
        }
        if (camera != null) {
            camera.close();
        }
    }

    @Test
    @Order(1)
    void oldSegmentsDisappearFromStorageAndIndexWhileNewOnesKeepComing() throws Exception {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> segments(LIVE).size() >= 3 && segments(STOPPED).size() >= 3);
        assertThat(send("DELETE", "/v1/cameras/" + STOPPED, null).statusCode()).isEqualTo(204);
        allStopped = segments(STOPPED);
        firstLive = segments(LIVE).subList(0, 3);
        for (SegmentRecord s : firstLive) {
            assertThat(objects.stat(s.getObjectKey())).as(s.getObjectKey()).isPresent();
        }

        // the first segments go once they ended more than 30 s ago (plus a sweep, indexing and the camera's clock)
        long deadline = firstLive.get(2).getAnnouncedAtMs() + RETENTION_MS + SWEEP_MS + SLACK_MS + 10_000;
        await().atMost(Duration.ofMillis(Math.max(1, deadline - System.currentTimeMillis())))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> oldestStart(LIVE) > firstLive.get(2).getStartTimeMs());
        for (SegmentRecord s : firstLive) {
            assertThat(objects.stat(s.getObjectKey()))
                    .as("deleted " + s.getObjectKey())
                    .isEmpty();
        }
        assertThat(kvr.index()
                        .range(
                                LIVE,
                                firstLive.get(0).getStartTimeMs(),
                                firstLive.get(2).getEndTimeMs()))
                .isEmpty();

        // what is left is within the retention period, starts with a stored object, and still has its init
        List<SegmentRecord> left = segments(LIVE);
        SegmentRecord oldest = left.get(0);
        long now = System.currentTimeMillis();
        log.info("oldest segment left ends {} ms ago; {} segments left", now - oldest.getEndTimeMs(), left.size());
        assertThat(now - oldest.getEndTimeMs())
                .as("age of the oldest segment left (ms)")
                .isLessThanOrEqualTo(RETENTION_MS + SWEEP_MS + SLACK_MS);
        assertThat(objects.stat(oldest.getObjectKey())).isPresent();
        assertThat(objects.stat(oldest.getInitKey())).as("init still used").isPresent();
        assertThat(send("GET", "/" + LIVE + "/index.m3u8", null).statusCode()).isEqualTo(200);

        // and new ones keep coming
        SegmentRecord newest = left.get(left.size() - 1);
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> newestStart(LIVE) > newest.getStartTimeMs());

        String metrics = send("GET", "/metrics", null).body();
        assertThat(counter(metrics, "kvr_indexer_retention_deleted_segments_total"))
                .isGreaterThanOrEqualTo(3);
        assertThat(counter(metrics, "kvr_indexer_retention_deleted_bytes_total"))
                .isGreaterThanOrEqualTo(
                        firstLive.stream().mapToLong(SegmentRecord::getByteSize).sum());
    }

    @Test
    @Order(2)
    void aStreamThatStoppedRecordingIsDeletedWholeAndLeavesTheIndex() throws Exception {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> kvr.index().streams().stream()
                        .noneMatch(s -> s.streamId().equals(STOPPED)));
        assertThat(kvr.index().latest(STOPPED, 10)).isEmpty();
        for (SegmentRecord s : allStopped) {
            assertThat(objects.stat(s.getObjectKey())).as(s.getObjectKey()).isEmpty();
            assertThat(objects.stat(s.getInitKey())).as(s.getInitKey()).isEmpty();
        }
        assertThat(send("GET", "/v1/streams/" + STOPPED + "/recordings", null).statusCode())
                .isEqualTo(404);
    }

    @Test
    @Order(3)
    void afterARestartNothingDeletedComesBackAndTheSweepGoesOn() throws Exception {
        kvr.close();
        kvr = startKvr(false);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> segments(LIVE).size() >= 2);
        assertThat(kvr.index()
                        .range(
                                LIVE,
                                firstLive.get(0).getStartTimeMs(),
                                firstLive.get(2).getEndTimeMs()))
                .isEmpty();
        assertThat(kvr.index().latest(STOPPED, 10)).isEmpty();

        // the sweep continues after the restart: segments keep leaving as they age
        SegmentRecord oldest = segments(LIVE).get(0);
        await().atMost(Duration.ofMillis(RETENTION_MS + SWEEP_MS + SLACK_MS + 20_000))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> oldestStart(LIVE) > oldest.getStartTimeMs());
        assertThat(objects.stat(oldest.getObjectKey())).isEmpty();
    }

    private static double counter(String metrics, String name) {
        Matcher m =
                Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+]+)$").matcher(metrics);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
        }
        return sum;
    }

    private static long oldestStart(String stream) {
        List<SegmentRecord> s = segments(stream);
        return s.isEmpty() ? Long.MIN_VALUE : s.get(0).getStartTimeMs();
    }

    private static long newestStart(String stream) {
        List<SegmentRecord> s = segments(stream);
        return s.isEmpty() ? Long.MIN_VALUE : s.get(s.size() - 1).getStartTimeMs();
    }

    private static List<SegmentRecord> segments(String stream) {
        try {
            return kvr.index().latest(stream, 1_000).stream()
                    .map(IndexedSegment::segment)
                    .toList();
        } catch (RuntimeException e) {
            return List.of(); // the index is restoring
        }
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(kvr.baseUrl() + path)).timeout(Duration.ofSeconds(20));
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
