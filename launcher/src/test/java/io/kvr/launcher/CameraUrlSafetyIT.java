package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import io.kvr.launcher.demo.DemoCamera;
import io.kvr.mediatopic.MediaRecords;
import io.kvr.schemas.StreamInfo;
import io.kvr.testsupport.FreePort;
import io.kvr.testsupport.JsonValues;
import io.kvr.testsupport.TestCamera;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Camera URLs on a running kvr: credentials in the userinfo and in the query of a camera URL, whether it comes from
 * the settings or from {@code POST /v1/cameras}, appear in no API answer, log line, {@code StreamInfo} on the media
 * topic or metric, also when FFmpeg fails to open it; and URLs that would make FFmpeg read files or reach other
 * services ({@code file:}, {@code http:}, {@code tcp:}, {@code concat:}) are refused with 400 and never opened.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CameraUrlSafetyIT {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> SECRETS = List.of("s3cret-A", "s3cret-B", "s3cret-C");
    private static final String CONFIGURED = "redact/config";
    private static final String POSTED = "redact/api";
    private static final String BROKEN = "redact/broken";
    private static final String DEMO = "demo/clock";

    @TempDir
    static Path data;

    static TestCamera camera;
    static DemoCamera demo;
    static KvrServer kvr;
    static ListAppender<ILoggingEvent> logs;
    static Logger root;

    /** The test camera ignores the query and asks for no credentials; FFmpeg sends them all the same. */
    static String secretUrl(int port, String mount) {
        return "rtsp://admin:s3cret-A@127.0.0.1:" + port + mount + "?user=admin&password=s3cret-B&token=s3cret-C";
    }

    static String redactedUrl(int port, String mount) {
        return "rtsp://***@127.0.0.1:" + port + mount + "?user=admin&password=***&token=***";
    }

    @BeforeAll
    static void start() {
        root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        camera = TestCamera.start();
        demo = DemoCamera.start(0, DEMO);
        kvr = KvrServer.start(
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
                    "bridge.instance.id=url-it"
                }),
                Map.of(CONFIGURED, secretUrl(camera.port(), TestCamera.H264), DEMO, demo.url()));
    }

    @AfterAll
    static void stop() {
        if (kvr != null) {
            kvr.close();
        }
        if (camera != null) {
            camera.close();
        }
        if (demo != null) {
            demo.close();
        }
        if (root != null) {
            root.detachAppender(logs);
        }
    }

    @Test
    @Order(1)
    void credentialsInTheUrlAppearNowhere() throws Exception {
        HttpResponse<String> created =
                send("POST", "/v1/cameras", """
                {"app":"redact","stream":"api","url":"%s"}""".formatted(secretUrl(camera.port(), TestCamera.H264)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JsonValues.parseObject(created.body())).containsEntry("url", redactedUrl(camera.port(), "/h264"));
        int closed = FreePort.pick();
        HttpResponse<String> broken = send("POST", "/v1/cameras", """
                {"app":"redact","stream":"broken","url":"%s"}""".formatted(secretUrl(closed, "/nothing")));
        assertThat(broken.statusCode()).as(broken.body()).isEqualTo(201);

        // the demo camera of ./kvr demo (udp://127.0.0.1) records under the default URL policy too
        for (String id : List.of(CONFIGURED, POSTED, DEMO)) {
            await().atMost(Duration.ofSeconds(45))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> "streaming".equals(camera(id).get("state")));
        }
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> String.valueOf(camera(BROKEN).get("last_error")).contains("cannot open"));

        // the API: every camera, one camera, and FFmpeg's error as last_error
        String list = send("GET", "/v1/cameras", null).body();
        assertThat(list).doesNotContain(SECRETS);
        assertThat(asList(JsonValues.parse(list)))
                .extracting(c -> c.get("url"))
                .containsExactly(
                        demo.url(),
                        redactedUrl(camera.port(), "/h264"),
                        redactedUrl(closed, "/nothing"),
                        redactedUrl(camera.port(), "/h264"));
        assertThat((String) camera(BROKEN).get("last_error"))
                .startsWith("cannot open " + redactedUrl(closed, "/nothing") + ": ")
                .doesNotContain(SECRETS);
        assertThat(created.body()).doesNotContain(SECRETS);
        assertThat(broken.body()).doesNotContain(SECRETS);

        // the media topic: the StreamInfo of every session
        Map<String, List<String>> sourceUrls = streamInfoSourceUrls();
        assertThat(sourceUrls.get(CONFIGURED)).isNotEmpty().containsOnly(redactedUrl(camera.port(), "/h264"));
        assertThat(sourceUrls.get(POSTED)).isNotEmpty().containsOnly(redactedUrl(camera.port(), "/h264"));

        // the metrics, the broken camera's error label included
        String metrics = send("GET", "/metrics", null).body();
        assertThat(metrics)
                .contains("error=\"cannot open rtsp://***@127.0.0.1:" + closed)
                .contains("stream=\"" + POSTED + "\"")
                .doesNotContain(SECRETS);

        // the log, which did name the cameras (redacted)
        List<String> lines = logLines();
        assertThat(lines).anySatisfy(l -> assertThat(l).contains(POSTED).contains(redactedUrl(camera.port(), "/h264")));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains(BROKEN).contains("cannot open"));
        assertThat(lines).allSatisfy(l -> assertThat(l).doesNotContain(SECRETS));
    }

    @ParameterizedTest(name = "{0}")
    @Order(2)
    @ValueSource(
            strings = {
                "file:///etc/passwd",
                "http://127.0.0.1:PORT/",
                "tcp://127.0.0.1:PORT",
                "concat:/etc/passwd|/etc/hosts",
                "subfile,,start,0,end,64,,:/etc/passwd",
                "FILE:/etc/passwd"
            })
    void urlsThatReachFilesOrOtherServicesAreRefusedAndNeverOpened(String template) throws Exception {
        try (ServerSocket service = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            AtomicInteger connections = new AtomicInteger();
            service.setSoTimeout(200);
            CompletableFuture<Void> accepting = CompletableFuture.runAsync(() -> {
                while (!service.isClosed()) {
                    try {
                        service.accept().close();
                        connections.incrementAndGet();
                    } catch (SocketTimeoutException e) {
                        // keep listening
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            String url = template.replace("PORT", Integer.toString(service.getLocalPort()));

            HttpResponse<String> r = send("POST", "/v1/cameras", """
                    {"app":"ssrf","stream":"x","url":"%s"}""".formatted(url));

            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat((String) JsonValues.parseObject(r.body()).get("error"))
                    .startsWith("url: ")
                    .containsAnyOf("is not allowed", "must be an absolute URL with a scheme");
            assertThat(send("GET", "/v1/cameras/ssrf/x", null).statusCode()).isEqualTo(404);
            assertThat(kvr.bridge().cameras())
                    .noneSatisfy(s -> assertThat(s.camera().name().id()).isEqualTo("ssrf/x"));
            // a supervisor would have connected within its first attempt
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> connections.get() == 0);
            service.close();
            accepting.join();
        }
    }

    /** The {@code sourceUrl} of every StreamInfo on the media topic, per stream. */
    private static Map<String, List<String>> streamInfoSourceUrls() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kvr.kafkaBootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024 + 65536);
        MediaRecords records = new MediaRecords();
        Map<String, List<String>> out = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> all = new ArrayList<>();
            consumer.partitionsFor("kvr.media.v1", Duration.ofSeconds(30))
                    .forEach(i -> all.add(new TopicPartition(i.topic(), i.partition())));
            consumer.assign(all);
            consumer.seekToBeginning(all);
            Map<TopicPartition, Long> end = consumer.endOffsets(all);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && all.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (records.decode(r.headers(), r.value()) instanceof StreamInfo info) {
                        out.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(info.getSourceUrl());
                        assertThat(info.toString()).doesNotContain(SECRETS);
                    }
                }
            }
        }
        return out;
    }

    /** Every captured log event as text: message, MDC, and each throwable's class, message and frames. */
    private static List<String> logLines() {
        List<ILoggingEvent> events;
        synchronized (logs) {
            events = List.copyOf(logs.list);
        }
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : events) {
            if (e.getLoggerName().startsWith("io.kvr.testsupport")) {
                continue; // the test camera's own output: the peer's log, not kvr's
            }
            StringBuilder b = new StringBuilder(e.getLoggerName())
                    .append(' ')
                    .append(e.getFormattedMessage())
                    .append(' ')
                    .append(e.getMDCPropertyMap());
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                b.append(' ').append(t.getClassName()).append(": ").append(t.getMessage());
                for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                    b.append(' ').append(frame.getSTEAsString());
                }
                for (IThrowableProxy s : t.getSuppressed()) {
                    b.append(" suppressed ")
                            .append(s.getClassName())
                            .append(": ")
                            .append(s.getMessage());
                }
            }
            out.add(b.toString());
        }
        return out;
    }

    private static Map<String, Object> camera(String id) throws Exception {
        return JsonValues.parseObject(send("GET", "/v1/cameras/" + id, null).body());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> asList(Object o) {
        return (List<Map<String, Object>>) o;
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(kvr.baseUrl() + path)).timeout(Duration.ofSeconds(30));
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
