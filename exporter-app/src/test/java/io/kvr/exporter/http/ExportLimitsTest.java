package io.kvr.exporter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.exporter.capacity.ExportSlots;
import io.kvr.exporter.job.JobLog;
import io.kvr.exporter.job.StatusBook;
import io.kvr.exporter.plan.ExportPlanner;
import io.kvr.exporter.plan.InitSegments;
import io.kvr.exporter.write.ExportWriter;
import io.kvr.http.HttpService;
import io.kvr.http.Router;
import io.kvr.http.access.AccessControl;
import io.kvr.index.IndexedSegment;
import io.kvr.index.SegmentIndex;
import io.kvr.index.StreamSummary;
import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.S3Settings;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.storage.ObjectStore;
import io.kvr.schemas.ExportStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exporter's bounds over real HTTP: at most {@code exporter.concurrent.max} direct downloads at once (the next
 * one is a 503 with {@code Retry-After}), at most {@code exporter.queue.max} jobs waiting (the next submission is a
 * 429 with {@code Retry-After}), and hostile time values are 400s. Downloads are held in their planning by an index
 * that answers only when told to; the job queue is the status book's {@code queued} statuses. Neither Kafka nor
 * object storage is reached: every request here is answered before them.
 */
class ExportLimitsTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final int MAX = 2;
    private static final int QUEUE = 2;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Holds each {@code summary} call until a permit is released, then knows no stream. */
    private static final class HeldIndex implements SegmentIndex {
        final Semaphore answers = new Semaphore(0);
        final Semaphore entered = new Semaphore(0);
        volatile boolean holding = true;

        @Override
        public Optional<StreamSummary> summary(String streamId) {
            entered.release();
            if (holding) {
                try {
                    answers.acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Optional.empty();
        }

        @Override
        public List<StreamSummary> streams() {
            return List.of();
        }

        @Override
        public List<IndexedSegment> latest(String streamId, int limit) {
            return List.of();
        }

        @Override
        public List<IndexedSegment> range(String streamId, long startMs, long endMs) {
            return List.of();
        }
    }

    private static final HeldIndex INDEX = new HeldIndex();
    private static final SimpleMeterRegistry METRICS = new SimpleMeterRegistry();
    private static ExportSlots slots;
    private static StatusBook book;
    private static JobLog jobs;
    private static HttpService server;

    @BeforeAll
    static void start() {
        Settings settings = Settings.of(Map.of(
                "kafka.bootstrap.servers",
                "127.0.0.1:1",
                "s3.endpoint",
                "http://127.0.0.1:1",
                "s3.access.key",
                "a",
                "s3.secret.key",
                "b"));
        KafkaSettings kafka = KafkaSettings.from(settings);
        ObjectStore store = new ObjectStore(S3Settings.from(settings));
        ExportPlanner planner = new ExportPlanner(INDEX, new InitSegments(key -> null));
        slots = new ExportSlots(MAX, METRICS);
        book = new StatusBook(kafka, "kvr.export-status.v1", "export-limits-test");
        jobs = new JobLog(kafka, "kvr.export-requests.v1", "kvr.export-status.v1", "export-limits-test");
        long day = Duration.ofDays(1).toMillis();
        server = HttpService.start(
                "127.0.0.1",
                0,
                new Router(AccessControl.open())
                        .include(new DownloadRoutes(
                                planner, new ExportWriter(store, 1, 0), day, 20 * 60_000, slots, METRICS))
                        .include(new JobRoutes(planner, jobs, book, store, day, QUEUE, METRICS)));
    }

    @AfterAll
    static void stop() {
        INDEX.holding = false;
        INDEX.answers.release(100);
        server.close();
        jobs.close();
        book.close();
    }

    private static HttpResponse<String> get(String pathAndQuery) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + pathAndQuery))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static double gauge(String name) {
        return METRICS.get(name).gauge().value();
    }

    @Test
    void aDownloadBeyondTheConcurrentMaximumIs503WithRetryAfterAndItsSlotComesBack() throws Exception {
        String export = "/live/cam/export.mp4?start_time=" + T0 + "&duration=5000";
        List<CompletableFuture<HttpResponse<String>>> held = List.of(
                HTTP.sendAsync(
                        HttpRequest.newBuilder(URI.create(server.baseUrl() + export))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()),
                HTTP.sendAsync(
                        HttpRequest.newBuilder(URI.create(server.baseUrl() + export))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
        assertThat(INDEX.entered.tryAcquire(MAX, 30, TimeUnit.SECONDS))
                .as("both downloads are planning")
                .isTrue();
        assertThat(slots.active()).isEqualTo(MAX);
        assertThat(gauge("exporter.concurrent.active")).isEqualTo(MAX);
        assertThat(gauge("exporter.concurrent.max")).isEqualTo(MAX);

        HttpResponse<String> busy = get(export);
        assertThat(busy.statusCode()).isEqualTo(503);
        assertThat(busy.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(busy.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(busy.body()).contains("\"error\"", "exporter.concurrent.max", "\"status\":503");
        assertThat(METRICS.get("exporter.downloads.refused").counter().count()).isEqualTo(1);
        // bad input is still its 400 while busy: it is checked before a slot is taken
        assertThat(get("/live/cam/export.mp4?start_time=9223372036854775807&duration=1")
                        .statusCode())
                .isEqualTo(400);

        INDEX.answers.release(MAX);
        for (CompletableFuture<HttpResponse<String>> r : held) {
            assertThat(r.get(30, TimeUnit.SECONDS).statusCode())
                    .as("unknown stream, once planned")
                    .isEqualTo(404);
        }
        // a refused plan gives its slot back before its answer is sent
        assertThat(slots.active()).isZero();
        INDEX.answers.release(1);
        assertThat(get(export).statusCode()).isEqualTo(404);
        assertThat(INDEX.entered.tryAcquire(1, 30, TimeUnit.SECONDS)).isTrue();
        assertThat(slots.active()).isZero();
    }

    @Test
    void aSubmissionBeyondTheQueueMaximumIs429WithRetryAfter() throws Exception {
        String job = "{\"app_name\":\"live\",\"stream_name\":\"cam\",\"start_time\":" + T0 + ",\"duration\":5000}";
        for (int i = 0; i < QUEUE; i++) {
            book.put(queued("0000000000000000000000000000000" + i));
        }
        assertThat(gauge("exporter.jobs.queued")).isEqualTo(QUEUE);
        assertThat(gauge("exporter.queue.max")).isEqualTo(QUEUE);

        HttpResponse<String> full = post("/v1/nvr/convert2mp4", job);
        assertThat(full.statusCode()).isEqualTo(429);
        assertThat(full.headers().firstValue("Retry-After")).hasValue("30");
        assertThat(full.body()).contains("\"error\"", "exporter.queue.max", "\"status\":429");
        assertThat(METRICS.get("exporter.jobs.refused").counter().count()).isEqualTo(1);
        // bad input is its 400 even with a full queue
        assertThat(post("/v1/nvr/convert2mp4", "[".repeat(200_000)).statusCode())
                .isEqualTo(400);

        // a running job no longer waits: the next submission is checked against the index (which knows no stream)
        book.put(ExportStatus.newBuilder(queued("00000000000000000000000000000000"))
                .setState("running")
                .setUpdatedAtMs(T0 + 1)
                .build());
        assertThat(gauge("exporter.jobs.queued")).isEqualTo(QUEUE - 1);
        INDEX.answers.release(1);
        assertThat(post("/v1/nvr/convert2mp4", job).statusCode()).isEqualTo(404);
        assertThat(INDEX.entered.tryAcquire(1, 30, TimeUnit.SECONDS)).isTrue();
    }

    private static ExportStatus queued(String id) {
        return ExportStatus.newBuilder()
                .setId(id)
                .setStreamId("live/cam")
                .setStartTimeMs(T0)
                .setEndTimeMs(T0 + 5000)
                .setFileName("x.mp4")
                .setState("queued")
                .setRequestedAtMs(T0)
                .setUpdatedAtMs(T0)
                .setFormat("mp4")
                .build();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(
            strings = {
                "start_time=9223372036854775807&duration=1",
                "start_time=1&duration=9223372036854775807",
                "start_time=-9223372036854775808&end_time=5",
                "start_time=-1&duration=5000",
                "start_time=1e3&duration=5000",
                "start_time=&duration=5000",
                "start_time=0x10&duration=5000",
                "start_time=%2B5&duration=5000",
                "start_time=99999999999999999999999999999999&duration=5",
                "start_time=253402300799999&duration=1",
                "start_time=1700000000000&duration=0",
                "start_time=1700000000000&duration=-0",
                "start_time=1700000005000&end_time=1700000000000",
                "start_time=1700000000000&end_time=1700000000000",
                "start_time=0&end_time=253402300799999",
                "start_time=1700000000000&duration=86400001",
                "start_time=1700000000000&end_time=9223372036854775807",
                "duration=5000",
                "start_time=1700000000000"
            })
    void hostileDownloadTimesAre400(String query) throws Exception {
        HttpResponse<String> r = get("/live/cam/export.mp4?" + query);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("\"error\"");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(
            strings = {
                "\"start_time\":9223372036854775807,\"duration\":1",
                "\"start_time\":1,\"duration\":9223372036854775807",
                "\"start_time\":-9223372036854775808,\"end_time\":5",
                "\"start_time\":-1,\"duration\":5000",
                "\"start_time\":1e3,\"duration\":5000",
                "\"start_time\":1700000000000.5,\"duration\":5000",
                "\"start_time\":\"\",\"duration\":5000",
                "\"start_time\":\"0x10\",\"duration\":5000",
                "\"start_time\":\"-1\",\"duration\":5000",
                "\"start_time\":99999999999999999999999999999999999,\"duration\":5",
                "\"start_time\":253402300799999,\"duration\":1",
                "\"start_time\":1700000000000,\"duration\":0",
                "\"start_time\":1700000005000,\"end_time\":1700000000000",
                "\"start_time\":true,\"duration\":5000",
                "\"start_time\":[1700000000000],\"duration\":5000",
                "\"start_time\":{},\"duration\":5000",
                "\"start_time\":99999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999,\"duration\":5000",
                "\"start_time\":1700000000000",
                "\"start_time\":1700000000000,\"duration\":5000,\"precise\":\"yes\"",
                "\"start_time\":1700000000000,\"duration\":5000,\"file_name\":[[[[[[[[[[[[]]]]]]]]]]]]"
            })
    void hostileJobFieldsAre400(String fields) throws Exception {
        HttpResponse<String> r =
                post("/v1/nvr/convert2mp4", "{\"app_name\":\"live\",\"stream_name\":\"cam\"," + fields + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("\"error\"");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(
            strings = {
                "",
                "not json",
                "[1,2]",
                "null",
                "{\"app_name\":\"live\"} trailing",
                "{\"app_name\":\"live\",\"app_name\":\"other\"}"
            })
    void malformedJobBodiesAre400(String body) throws Exception {
        HttpResponse<String> r = post("/v1/nvr/convert2mp4", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    }

    @Test
    void twoHundredThousandNestedArraysAreA400() throws Exception {
        for (String body : List.of(
                "[".repeat(200_000),
                "{\"app_name\":" + "[".repeat(200_000),
                "{\"app_name\":" + "{\"a\":".repeat(100_000))) {
            HttpResponse<String> r = post("/v1/nvr/convert2mp4", body);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(r.body()).contains("body is refused");
        }
    }
}
