package io.kvr.bridge.rtspserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvr.bridge.BridgeConfig;
import io.kvr.bridge.IngestBridge;
import io.kvr.http.HttpService;
import io.kvr.http.Router;
import io.kvr.http.access.AccessControl;
import io.kvr.http.access.AccessSettings;
import io.kvr.mediatopic.MediaRecords;
import io.kvr.runtime.config.Settings;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.Codec;
import io.kvr.schemas.StreamInfo;
import io.kvr.schemas.TrackInfo;
import io.kvr.testsupport.FFmpegTools;
import io.kvr.testsupport.FreePort;
import io.kvr.testsupport.rig.EmbeddedRig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FFmpeg pushes over UDP ({@code -rtsp_transport udp}) to the bridge's RTSP server, whose UDP ports come from a
 * range of two pairs: the stream is recorded with capture times from FFmpeg's sender reports, shows in the camera
 * API while pushed, ends on DELETE, and every port is free again after each push.
 */
class RtspPushUdpIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;

    private static EmbeddedRig rig;
    private static IngestBridge bridge;
    private static HttpService http;
    private static int port;
    private static int firstUdpPort;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        rig = EmbeddedRig.start(data, 1);
        port = FreePort.pick();
        firstUdpPort = freeUdpPorts(4);
        Map<String, String> s = new HashMap<>(rig.settings());
        s.put("rtsp.enabled", "true");
        s.put("rtsp.host", "127.0.0.1");
        s.put("rtsp.port", Integer.toString(port));
        s.put("rtsp.udp.ports", firstUdpPort + "-" + (firstUdpPort + 3));
        s.put("publish.open", "true");
        // a camera of the sources topic (disabled: nothing pulls it), whose name a push may not take
        s.put("camera.fixed/door.url", "rtsp://127.0.0.1:9/none");
        s.put("camera.fixed/door.enabled", "false");
        bridge = IngestBridge.start(BridgeConfig.from(Settings.of(s)), new SimpleMeterRegistry());
        http = HttpService.start(
                "127.0.0.1", 0, new Router(new AccessControl(AccessSettings.off())).include(bridge.routes()));
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
        if (bridge != null) {
            bridge.close();
        }
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void udpPushIsRecordedWithCaptureTimesFromThePublishersClock() throws Exception {
        // FFmpeg's sender reports put pts 0 this far before it sends it (within SessionClock's 10 s of sanity):
        // capture times must show that offset, which the server's clock (arrival) would not
        long senderBehindMs = 5000;
        long startRealtimeMicros = (System.currentTimeMillis() - senderBehindMs) * 1000;
        FFmpegTools.Result pushed =
                FFmpegTools.ffmpeg(Duration.ofSeconds(60), push("push/udp1", 5, startRealtimeMicros));
        assertThat(pushed.ok()).as(pushed.describe()).isTrue();

        List<Object> records = read("push/udp1", Duration.ofSeconds(30), 100);
        StreamInfo info = (StreamInfo) records.stream()
                .filter(StreamInfo.class::isInstance)
                .findFirst()
                .orElseThrow();
        assertThat(info.getTracks()).extracting(TrackInfo::getCodec).containsExactly(Codec.H264, Codec.AAC);
        assertThat(info.getTracks().get(0).getWidth()).isEqualTo(640);
        List<AccessUnit> units = records.stream()
                .filter(AccessUnit.class::isInstance)
                .map(AccessUnit.class::cast)
                .toList();
        List<AccessUnit> video = units.stream().filter(u -> u.getTrack() == 0).toList();
        assertThat(video.stream().filter(AccessUnit::getKeyframe).count()).isGreaterThanOrEqualTo(3);
        // 5 s at 25 fps over loopback UDP: a datagram may be lost on a loaded machine, a picture with it
        assertThat(video).hasSizeBetween(85, 130);
        assertThat(units.stream().filter(u -> u.getTrack() == 1).count()).isGreaterThan(150);

        // arrival - capture: the sender's offset plus sending and queueing delay; the server clock would give ~0
        long[] lags = units.stream()
                .mapToLong(u -> u.getArrivalTimeMs() - u.getCaptureTimeMs())
                .sorted()
                .toArray();
        long median = lags[lags.length / 2];
        // FFmpeg starts sending some 0.5 s after the time taken here, and its RTP timeline leads pts a little
        assertThat(median).as("median arrival - capture, ms").isBetween(senderBehindMs - 1000, senderBehindMs + 1500);
        assertThat(lags[0]).as("least arrival - capture, ms").isGreaterThan(senderBehindMs - 1500);

        awaitUdpPortsFree();
    }

    @Test
    void pushedStreamIsListedRefusedAsACameraAndEndedThroughTheApi() throws Exception {
        Path log = Files.createTempFile(data, "ffmpeg", ".log");
        List<String> command = new ArrayList<>();
        command.add(FFmpegTools.ffmpeg().toString());
        command.addAll(List.of(push("push/listed", 60, 0)));
        Process ffmpeg = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            JsonNode listed = await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(
                            () -> camera("push", "listed"),
                            c -> c.isPresent() && c.get().path("units").asLong() > 10)
                    .orElseThrow();
            assertThat(listed.path("origin").asText()).isEqualTo("push");
            assertThat(listed.path("state").asText()).isEqualTo("streaming");
            assertThat(listed.path("transport").asText()).isEqualTo("udp");
            assertThat(listed.path("publisher").asText()).startsWith("127.0.0.1:");
            assertThat(listed.path("bytes").asLong()).isPositive();
            assertThat(listed.path("sessions").asLong()).isEqualTo(1);
            assertThat(listed.path("foreign_datagrams").asLong()).isZero();
            assertThat(listed.path("instance").asText()).isEqualTo(bridge.instanceId());
            JsonNode fixed = camera("fixed", "door").orElseThrow();
            assertThat(fixed.path("origin").asText()).isEqualTo("config");
            assertThat(fixed.path("state").asText()).isEqualTo("stopped");

            HttpResponse<String> single = send(HttpRequest.newBuilder(uri("/v1/cameras/push/listed")));
            assertThat(single.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(single.body()).path("origin").asText()).isEqualTo("push");

            // a datagram from another address than the publisher's is dropped and counted
            try (DatagramSocket other = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0))) {
                byte[] junk = new byte[] {(byte) 0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1};
                for (int p = firstUdpPort; p < firstUdpPort + 4; p++) {
                    other.send(new java.net.DatagramPacket(junk, junk.length, InetAddress.getLoopbackAddress(), p));
                }
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> camera("push", "listed")
                                    .orElseThrow()
                                    .path("foreign_datagrams")
                                    .asLong()
                            == 4);

            HttpResponse<String> conflict = send(HttpRequest.newBuilder(uri("/v1/cameras"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"app\":\"push\",\"stream\":\"listed\",\"url\":\"rtsp://127.0.0.1:9/x\"}")));
            assertThat(conflict.statusCode()).as(conflict.body()).isEqualTo(409);
            assertThat(conflict.body()).contains("is being pushed");

            HttpResponse<String> deleted =
                    send(HttpRequest.newBuilder(uri("/v1/cameras/push/listed")).DELETE());
            assertThat(deleted.statusCode()).isEqualTo(204);
            assertThat(camera("push", "listed")).isEmpty();
            // FFmpeg notices the closed connection and ends
            assertThat(ffmpeg.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(send(HttpRequest.newBuilder(uri("/v1/cameras/push/listed")))
                            .statusCode())
                    .isEqualTo(404);
        } finally {
            ffmpeg.destroyForcibly();
        }
        awaitUdpPortsFree();
    }

    @Test
    void aPushToACameraOfTheSourcesTopicIsRefusedWith403() {
        FFmpegTools.Result pushed = FFmpegTools.ffmpeg(Duration.ofSeconds(60), push("fixed/door", 1, 0));
        assertThat(pushed.ok()).isFalse();
        assertThat(pushed.describe()).contains("403");
    }

    /** FFmpeg's arguments for a push of H.264 + AAC over UDP ({@code startRealtimeMicros} 0: FFmpeg's clock). */
    private String[] push(String stream, int seconds, long startRealtimeMicros) {
        List<String> args = new ArrayList<>(List.of(
                "-v",
                "error",
                "-re",
                "-f",
                "lavfi",
                "-i",
                "testsrc=size=640x360:rate=25",
                "-f",
                "lavfi",
                "-i",
                "sine",
                "-t",
                Integer.toString(seconds),
                "-c:v",
                "libopenh264",
                "-g",
                "25",
                "-c:a",
                "aac"));
        if (startRealtimeMicros != 0) {
            args.addAll(List.of("-start_time_realtime", Long.toString(startRealtimeMicros)));
        }
        args.addAll(List.of("-f", "rtsp", "-rtsp_transport", "udp", "rtsp://127.0.0.1:" + port + "/" + stream));
        return args.toArray(String[]::new);
    }

    private Optional<JsonNode> camera(String app, String stream) throws IOException, InterruptedException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/cameras")));
        assertThat(r.statusCode()).isEqualTo(200);
        for (JsonNode c : JSON.readTree(r.body())) {
            if (c.path("app").asText().equals(app) && c.path("stream").asText().equals(stream)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create(http.baseUrl() + path);
    }

    /** The server's whole UDP range can be bound again: no pair stayed open after its push. */
    private static void awaitUdpPortsFree() {
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> bindable(firstUdpPort, 4));
    }

    private static boolean bindable(int first, int count) {
        List<DatagramSocket> bound = new ArrayList<>();
        try {
            for (int p = first; p < first + count; p++) {
                bound.add(new DatagramSocket(new InetSocketAddress("127.0.0.1", p)));
            }
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            bound.forEach(DatagramSocket::close);
        }
    }

    /** The first of {@code count} consecutive UDP ports, starting even, free on 127.0.0.1 a moment ago. */
    private static int freeUdpPorts(int count) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int first = 42_000 + 2 * ThreadLocalRandom.current().nextInt(8_000);
            if (bindable(first, count)) {
                return first;
            }
        }
        throw new IllegalStateException("no " + count + " free UDP ports");
    }

    /** The records of {@code stream} on the media topic, once at least {@code units} access units are there. */
    private static List<Object> read(String stream, Duration timeout, int units) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, rig.kafkaBootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        MediaRecords decoder = new MediaRecords();
        List<Object> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            String topic = rig.topics().media();
            List<TopicPartition> all = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            consumer.assign(all);
            consumer.seekToBeginning(all);
            long deadline = System.nanoTime() + timeout.toNanos();
            long count = 0;
            while (System.nanoTime() < deadline) {
                var polled = consumer.poll(Duration.ofMillis(1000));
                if (polled.isEmpty() && count >= units) {
                    break; // the push is over: everything of it is read
                }
                for (ConsumerRecord<String, byte[]> r : polled) {
                    if (!stream.equals(r.key())) {
                        continue;
                    }
                    Object decoded = decoder.decode(r.headers(), r.value());
                    out.add(decoded);
                    if (decoded instanceof AccessUnit) {
                        count++;
                    }
                }
            }
        }
        return out;
    }
}
