package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvr.bridge.camera.CameraState;
import io.kvr.bridge.camera.CameraSupervisor;
import io.kvr.testsupport.FreePort;
import io.kvr.testsupport.JsonValues;
import io.kvr.testsupport.TestCamera;
import io.kvr.testsupport.rig.MediaTopicLog;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two bridge instances share six cameras through the sources topic's consumer group: instance A is a whole kvr
 * (embedded Kafka and S3, segmenter, indexer, edge; the six cameras are in its configuration), instance B a
 * stand-alone bridge ({@code BridgeMain}) in another JVM. Each camera is pulled by exactly one of them; when B is
 * killed (SIGKILL: it cannot leave the group) A records all six again within 30 s.
 */
class CameraSharingIT {
    private static final Logger log = LoggerFactory.getLogger(CameraSharingIT.class);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> STREAMS =
            IntStream.range(0, 6).mapToObj(i -> "share/cam" + i).toList();
    // the coordinator notices a dead member after this; the broker's minimum is 6 s
    private static final Map<String, String> GROUP_TIMING =
            Map.of("kafka.session.timeout.ms", "6000", "kafka.heartbeat.interval.ms", "1000");

    @TempDir
    static Path data;

    static TestCamera camera;
    static KvrServer a;
    static Process b;
    static int bPort;
    static Path bLog;

    @BeforeAll
    static void start() throws IOException {
        camera = TestCamera.start();
        List<String> args = new ArrayList<>(List.of(
                "run",
                "--data",
                data.resolve("a").toString(),
                "--http",
                "127.0.0.1:0",
                "--kafka-port",
                "0",
                "--s3-port",
                "0",
                "bridge.instance.id=bridge-a"));
        GROUP_TIMING.forEach((k, v) -> args.add(k + "=" + v));
        Map<String, String> cameras = new LinkedHashMap<>();
        STREAMS.forEach(s -> cameras.put(s, camera.url(TestCamera.H264)));
        a = KvrServer.start(KvrOptions.parse(args.toArray(String[]::new)), cameras);
        b = startBridgeB();
    }

    /** A stand-alone bridge in its own JVM, on the same class path, with no camera of its own. */
    private static Process startBridgeB() throws IOException {
        bPort = FreePort.pick();
        bLog = Path.of("target", "CameraSharingIT-bridge-b.log").toAbsolutePath();
        Files.createDirectories(bLog.getParent());
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                "io.kvr.bridge.BridgeMain",
                "kafka.bootstrap.servers=" + a.kafkaBootstrap(),
                "http.port=" + bPort,
                "bridge.instance.id=bridge-b",
                "topics.replication.factor=1"));
        GROUP_TIMING.forEach((k, v) -> cmd.add(k + "=" + v));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(bLog.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("KVR_"));
        return pb.start();
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.destroyForcibly();
        }
        if (a != null) {
            a.close();
        }
        if (camera != null) {
            camera.close();
        }
    }

    @Test
    void eachCameraIsPulledByExactlyOneInstanceAndAllMoveToTheSurvivorWhenOneIsKilled() throws Exception {
        // 1. both instances pull cameras, none twice
        await("each camera streaming on exactly one instance, some on each")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    Set<String> onA = streaming(a.bridge().cameras());
                    Set<String> onB = streamingOnB();
                    log.info("streaming on A {} and on B {}", onA, onB);
                    Set<String> both = new TreeSet<>(onA);
                    both.retainAll(onB);
                    Set<String> all = new TreeSet<>(onA);
                    all.addAll(onB);
                    return both.isEmpty() && all.equals(Set.copyOf(STREAMS)) && !onA.isEmpty() && !onB.isEmpty();
                });
        Set<String> onB = streamingOnB();
        Set<String> onA = streaming(a.bridge().cameras());
        assertThat(onA).doesNotContainAnyElementsOf(onB);
        // A's list names B as the puller of B's cameras (asked of the group coordinator)
        await("A's camera list names the instance of every camera")
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    List<?> listedByA = (List<?>) JsonValues.parse(get(a.baseUrl() + "/v1/cameras"));
                    assertThat(listedByA).hasSize(6).allSatisfy(o -> {
                        Map<?, ?> c = (Map<?, ?>) o;
                        String id = c.get("app") + "/" + c.get("stream");
                        assertThat(c.get("instance")).as(id).isEqualTo(onB.contains(id) ? "bridge-b" : "bridge-a");
                        assertThat(c.get("state")).as(id).isEqualTo(onB.contains(id) ? "remote" : "streaming");
                        assertThat(c.get("origin")).isEqualTo("config");
                    });
                });

        try (MediaTopicLog media = new MediaTopicLog(a.kafkaBootstrap(), "kvr.media.v1")) {
            // every camera is on the media topic, one ingest session at a time (two pullers would interleave)
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> STREAMS.stream()
                            .allMatch(s -> media.poll().lastArrivalMs(s) > System.currentTimeMillis() - 2000));
            assertOneSessionAtATime(media);

            // 2. kill B: its cameras come back on A within the group's session timeout and a reconnect
            Map<String, List<String>> beforeKill = new LinkedHashMap<>();
            STREAMS.forEach(s -> beforeKill.put(s, segmentUris(s)));
            assertThat(b.destroyForcibly().waitFor(10, TimeUnit.SECONDS)).isTrue();
            // B is gone: any unit that arrives later comes from A
            long killedAt = System.currentTimeMillis();
            log.info("killed bridge-b (had {}) at {}", onB, Instant.ofEpochMilli(killedAt));
            await("every camera recorded again after the kill")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        media.poll();
                        return STREAMS.stream().allMatch(s -> media.lastArrivalMs(s) > killedAt)
                                && streaming(a.bridge().cameras()).equals(Set.copyOf(STREAMS));
                    });
            long recovered = System.currentTimeMillis() - killedAt;
            log.info("all cameras recorded again {} ms after the kill", recovered);
            assertThat(recovered).isLessThan(30_000);
            // and through the whole pipeline: each moved camera's new session has segments in its live playlist,
            // each camera that stayed on A keeps getting new ones
            Map<String, String> newSession = new LinkedHashMap<>();
            for (String s : onB) {
                List<MediaTopicLog.Run> runs = media.runs().get(s);
                newSession.put(s, runs.get(runs.size() - 1).session());
            }
            await("segments of every camera recorded after the kill")
                    .atMost(Duration.ofMillis(30_000 - recovered))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> STREAMS.stream().allMatch(s -> {
                        List<String> uris = segmentUris(s);
                        return newSession.containsKey(s)
                                ? uris.stream().anyMatch(u -> u.contains(newSession.get(s)))
                                : !beforeKill.get(s).containsAll(uris);
                    }));
            log.info(
                    "every camera has a segment recorded after the kill, {} ms after it",
                    System.currentTimeMillis() - killedAt);

            assertOneSessionAtATime(media.poll());
            for (String s : onB) {
                // B's session, then A's: the camera moved once more
                assertThat(media.runs().get(s)).as(s).hasSizeGreaterThanOrEqualTo(2);
            }
        }
        assertThat(Files.readString(bLog, StandardCharsets.UTF_8)).contains("bridge instance bridge-b");
    }

    private static void assertOneSessionAtATime(MediaTopicLog media) {
        for (String s : STREAMS) {
            assertThat(media.runs().get(s)).as(s).isNotEmpty();
            assertThat(media.interleavedSessions(s))
                    .as(
                            "sessions of %s interleaved with another: %s",
                            s, media.runs().get(s))
                    .isEmpty();
        }
    }

    private static Set<String> streaming(List<CameraSupervisor> supervisors) {
        return supervisors.stream()
                .filter(s -> s.state() == CameraState.STREAMING)
                .map(s -> s.camera().name().id())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Cameras B says it pulls and streams; none while it does not answer. */
    private static Set<String> streamingOnB() {
        Set<String> out = new TreeSet<>();
        try {
            for (Object o : (List<?>) JsonValues.parse(get("http://127.0.0.1:" + bPort + "/v1/cameras"))) {
                Map<?, ?> c = (Map<?, ?>) o;
                if ("bridge-b".equals(c.get("instance")) && "streaming".equals(c.get("state"))) {
                    out.add(c.get("app") + "/" + c.get("stream"));
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!b.isAlive()) {
                throw new AssertionError("bridge-b died; its log:\n" + tail(bLog), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** Segment URIs of the live playlist (they name the ingest session); none while there is no playlist. */
    private static List<String> segmentUris(String stream) {
        try {
            return KvrPipelineIT.segments(KvrPipelineIT.playlistOrEmpty(a.baseUrl() + "/" + stream + "/index.m3u8"))
                    .stream()
                    .map(KvrPipelineIT.Segment::uri)
                    .toList();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
