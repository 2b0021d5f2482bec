package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.kvr.index.IndexedSegment;
import io.kvr.mediatopic.MediaRecords;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.Codec;
import io.kvr.schemas.SegmentRecord;
import io.kvr.schemas.StreamInfo;
import io.kvr.testsupport.FreePort;
import io.kvr.testsupport.JsonValues;
import io.kvr.testsupport.TestCamera;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconnection, against one kvr process with three cameras, all with a password in their URL:
 * <ul>
 *   <li>{@value #FLAKY}: a GStreamer RTSP camera whose server is stopped for {@link #OUTAGE} mid-recording and
 *   restarted on the same port;</li>
 *   <li>{@value #HUNG}: a TCP server that accepts and never answers;</li>
 *   <li>{@value #REFUSED}: a port nobody listens on.</li>
 * </ul>
 * The good camera records without a gap beside the hung one; after the outage recording resumes within 3 s of
 * the server's return, as a new ingest session (a discontinuity in the playlist), and nothing recorded before is
 * lost. Every log line of the run (kvr's at DEBUG), the camera, metrics and stream APIs and the media topic's
 * stream announcements are then searched for the password.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutageIT {
    private static final Logger log = LoggerFactory.getLogger(OutageIT.class);
    private static final String PASSWORD = "SuperSecret123";
    private static final String FLAKY = "outage/flaky";
    private static final String HUNG = "outage/hung";
    private static final String REFUSED = "outage/refused";
    private static final Duration OUTAGE = Duration.ofSeconds(10);
    private static final long RESUME_WITHIN_MS = 3_000;
    private static final long GAP_TOLERANCE_MS = 100;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path data;

    static CapturedLogs logs;
    static TestCamera camera;
    static HungServer hung;
    static KvrServer kvr;

    @BeforeAll
    static void start() {
        logs = CapturedLogs.attach();
        camera = TestCamera.start();
        hung = HungServer.start();
        Map<String, String> cameras = new LinkedHashMap<>();
        cameras.put(FLAKY, "rtsp://viewer:" + PASSWORD + "@127.0.0.1:" + camera.port() + TestCamera.H264);
        cameras.put(HUNG, "rtsp://admin:" + PASSWORD + "@127.0.0.1:" + hung.port() + "/x");
        cameras.put(REFUSED, "rtsp://admin:" + PASSWORD + "@127.0.0.1:" + FreePort.pick() + "/x");
        kvr = KvrServer.start(
                KvrOptions.parse(new String[] {
                    "run", "--data", data.toString(), "--http", "127.0.0.1:0", "--kafka-port", "0", "--s3-port", "0"
                }),
                cameras);
    }

    @AfterAll
    static void stop() {
        if (kvr != null) {
            kvr.close();
        }
        if (camera != null) {
            camera.close();
        }
        if (hung != null) {
            hung.close();
        }
        if (logs != null) {
            logs.detach();
        }
    }

    @Test
    @Order(1)
    void aHungCameraBesideAGoodOneDelaysNothing() throws Exception {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> segments(FLAKY).size() >= 8 && hung.accepted() >= 2);

        List<SegmentRecord> recorded = segments(FLAKY);
        assertThat(recorded)
                .extracting(SegmentRecord::getIngestSessionId)
                .as("one session, no reconnect")
                .containsOnly(recorded.get(0).getIngestSessionId());
        assertContiguous(recorded);

        Map<String, Map<String, Object>> cameras = cameras();
        assertThat(cameras.get(FLAKY)).containsEntry("state", "streaming");
        assertThat(cameras.get(HUNG).get("state")).as("hung camera").isIn("connecting", "backing_off");
        assertThat(String.valueOf(cameras.get(HUNG).get("last_error")).toLowerCase(Locale.ROOT))
                .as("hung camera's error")
                .containsPattern("timed out|timeout|no answer|did not answer|no .*within \\d+ ?ms");
        assertThat(cameras.get(REFUSED).get("state")).as("refused camera").isIn("connecting", "backing_off");
        assertThat(String.valueOf(cameras.get(REFUSED).get("last_error")))
                .as("refused camera's error")
                .isNotBlank();
    }

    @Test
    @Order(2)
    void afterATenSecondOutageRecordingResumesWithinThreeSecondsAsANewSessionAndKeepsWhatWasRecorded()
            throws Exception {
        long stopAt = System.currentTimeMillis();
        camera.stop();
        await().atMost(Duration.ofSeconds(8))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> !"streaming".equals(cameras().get(FLAKY).get("state")));
        // the camera stays away for the outage; the bridge keeps trying without ever claiming to stream
        await().during(OUTAGE.minusMillis(System.currentTimeMillis() - stopAt))
                .atMost(OUTAGE.plusSeconds(5))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> !"streaming".equals(cameras().get(FLAKY).get("state")));
        List<SegmentRecord> before = segments(FLAKY);
        String oldSession = before.get(0).getIngestSessionId();
        camera.restart();
        long returnedAt = System.currentTimeMillis();
        log.info("camera down for {} ms", returnedAt - stopAt);

        SegmentRecord resumed = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> segments(FLAKY).stream()
                                .filter(s -> !s.getIngestSessionId().equals(oldSession))
                                .findFirst()
                                .orElse(null),
                        s -> s != null);
        List<Object> media = mediaValues();
        AccessUnit firstUnit = units(media, resumed.getIngestSessionId()).get(0);
        long unitAfter = firstUnit.getArrivalTimeMs() - returnedAt;
        long segmentAfter = resumed.getStartTimeMs() - returnedAt;
        log.info(
                "after the camera's return: first access unit received in {} ms, first segment starts at {} ms",
                unitAfter,
                segmentAfter);
        assertThat(unitAfter)
                .as("first access unit of the new session received after the camera's return (ms)")
                .isLessThanOrEqualTo(RESUME_WITHIN_MS);
        assertThat(segmentAfter)
                .as("first new segment's start after the camera's return (ms)")
                .isLessThanOrEqualTo(RESUME_WITHIN_MS);

        // nothing recorded before is lost: every earlier segment is still indexed and served, up to the drop
        List<SegmentRecord> after = segments(FLAKY);
        assertThat(after.stream().map(SegmentRecord::getObjectKey).toList())
                .containsAll(before.stream().map(SegmentRecord::getObjectKey).toList());
        for (SegmentRecord s : before) {
            HttpResponse<byte[]> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(kvr.baseUrl() + "/" + s.getObjectKey()))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).as(s.getObjectKey()).isEqualTo(200);
            assertThat(r.body()).hasSize((int) s.getByteSize());
        }
        // ... and up to the drop: every video unit of the old session from its first keyframe is a sample of one
        // of its (contiguous) segments, and the bridge received units until the camera went away
        List<SegmentRecord> old = after.stream()
                .filter(s -> s.getIngestSessionId().equals(oldSession))
                .toList();
        assertContiguous(old);
        List<AccessUnit> oldUnits = units(media, oldSession);
        assertThat(oldUnits.get(oldUnits.size() - 1).getArrivalTimeMs())
                .as("last unit before the drop")
                .isGreaterThan(stopAt - 1_000);
        List<AccessUnit> oldVideo =
                oldUnits.stream().filter(u -> u.getCodec() == Codec.H264).toList();
        int firstKey = 0;
        while (!oldVideo.get(firstKey).getKeyframe()) {
            firstKey++;
        }
        int samples = old.stream()
                .mapToInt(s -> s.getTracks().stream()
                        .filter(t -> t.getCodec() == Codec.H264)
                        .mapToInt(t -> t.getSampleSizes().size())
                        .sum())
                .sum();
        assertThat(samples).as("video samples recorded of the old session").isEqualTo(oldVideo.size() - firstKey);
        SegmentRecord lastOld = old.get(old.size() - 1);

        // the break is a new ingest session: a discontinuity with a new init segment in the playlist
        String playlist = get(kvr.baseUrl() + "/" + FLAKY + "/index.m3u8").body();
        String lastOldUri = lastOld.getObjectKey().substring(FLAKY.length() + 1);
        String resumedUri = resumed.getObjectKey().substring(FLAKY.length() + 1);
        assertThat(playlist).contains(lastOldUri, resumedUri);
        String between = playlist.substring(playlist.indexOf(lastOldUri), playlist.indexOf(resumedUri));
        assertThat(between).contains("#EXT-X-DISCONTINUITY").contains("#EXT-X-MAP:URI=");
        assertThat(resumed.getInitKey()).isNotEqualTo(lastOld.getInitKey());
    }

    @Test
    @Order(3)
    void noCameraPasswordInAnyLogLineApiResponseOrStreamAnnouncement() throws Exception {
        List<String> responses = new ArrayList<>();
        for (String path : List.of("/v1/cameras", "/metrics", "/health", "/v1/streams", "/" + FLAKY + "/index.m3u8")) {
            HttpResponse<String> r = get(kvr.baseUrl() + path);
            assertThat(r.body()).as(path).doesNotContain(PASSWORD);
            responses.add(r.body());
        }
        assertThat(String.join("\n", responses))
                .as("the cameras are there, redacted")
                .contains(HUNG, REFUSED, "***@");

        List<String> lines = logs.lines();
        assertThat(lines).as("log lines captured").hasSizeGreaterThan(20);
        assertThat(lines)
                .as("lines about the failing cameras")
                .anyMatch(l -> l.contains(HUNG))
                .anyMatch(l -> l.contains(REFUSED));
        assertThat(lines.stream().filter(l -> l.contains(PASSWORD)).toList())
                .as("log lines with the password")
                .isEmpty();

        List<StreamInfo> announced = mediaValues().stream()
                .filter(StreamInfo.class::isInstance)
                .map(StreamInfo.class::cast)
                .toList();
        assertThat(announced).as("sessions of the flaky camera").hasSizeGreaterThanOrEqualTo(2);
        assertThat(announced)
                .allSatisfy(i ->
                        assertThat(i.getSourceUrl()).doesNotContain(PASSWORD).contains("***@"));
    }

    /** Consecutive segments of one session meet: each starts where the one before ended. */
    private static void assertContiguous(List<SegmentRecord> segments) {
        for (int i = 1; i < segments.size(); i++) {
            SegmentRecord a = segments.get(i - 1);
            SegmentRecord b = segments.get(i);
            if (a.getIngestSessionId().equals(b.getIngestSessionId())) {
                assertThat(Math.abs(b.getStartTimeMs() - a.getEndTimeMs()))
                        .as("gap between %s and %s (ms)", a.getObjectKey(), b.getObjectKey())
                        .isLessThanOrEqualTo(GAP_TOLERANCE_MS);
            }
        }
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

    /** {@code GET /v1/cameras} by stream id (an array of cameras, or an object holding one under "cameras"). */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> cameras() throws Exception {
        Object json = JsonValues.parse(get(kvr.baseUrl() + "/v1/cameras").body());
        Collection<Object> list =
                json instanceof Map<?, ?> m ? (Collection<Object>) m.get("cameras") : (Collection<Object>) json;
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Object o : list) {
            Map<String, Object> c = (Map<String, Object>) o;
            out.put(c.get("app") + "/" + c.get("stream"), c);
        }
        return out;
    }

    /** The access units of one session, in the order written. */
    private static List<AccessUnit> units(List<Object> media, String session) {
        return media.stream()
                .filter(v -> v instanceof AccessUnit u && u.getIngestSessionId().equals(session))
                .map(AccessUnit.class::cast)
                .toList();
    }

    /** Every value of the media topic, in offset order per partition. */
    private static List<Object> mediaValues() {
        MediaRecords records = new MediaRecords();
        List<Object> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(
                Map.<String, Object>of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kvr.kafkaBootstrap(),
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor("kvr.media.v1").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    out.add(records.decode(r.headers(), r.value()));
                }
            }
        }
        return out;
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A "camera" that accepts TCP connections and never says a word. */
    static final class HungServer implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> held = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        private HungServer(ServerSocket server) {
            this.server = server;
            this.acceptor = Thread.ofPlatform().daemon().name("hung-camera").start(this::acceptForever);
        }

        static HungServer start() {
            try {
                return new HungServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        int port() {
            return server.getLocalPort();
        }

        int accepted() {
            return held.size();
        }

        private void acceptForever() {
            while (!server.isClosed()) {
                try {
                    held.add(server.accept());
                } catch (IOException e) {
                    return;
                }
            }
        }

        @Override
        public void close() {
            try {
                server.close();
                for (Socket s : held) {
                    s.close();
                }
                acceptor.join(5_000);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Every log event of this JVM from now on, rendered as a console line would be (message, MDC, exception
     * chain with messages and stack), with kvr's own loggers at DEBUG so debug lines are searched too.
     */
    static final class CapturedLogs extends AppenderBase<ILoggingEvent> {
        private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        private final PatternLayout layout = new PatternLayout();
        private final ch.qos.logback.classic.Logger kvrLogger;
        private final Level kvrLevel;

        private CapturedLogs(LoggerContext context) {
            setContext(context);
            setName("outage-it-capture");
            layout.setContext(context);
            layout.setPattern("%level [%thread] %logger %mdc %msg%n%ex{full}");
            layout.start();
            kvrLogger = context.getLogger("io.kvr");
            kvrLevel = kvrLogger.getLevel();
        }

        static CapturedLogs attach() {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            CapturedLogs capture = new CapturedLogs(context);
            capture.start();
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(capture);
            capture.kvrLogger.setLevel(Level.DEBUG);
            return capture;
        }

        @Override
        protected void append(ILoggingEvent event) {
            lines.add(layout.doLayout(event));
        }

        List<String> lines() {
            return List.copyOf(lines);
        }

        void detach() {
            LoggerContext context = (LoggerContext) getContext();
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(this);
            kvrLogger.setLevel(kvrLevel);
            stop();
        }
    }
}
