package io.kvr.bridge.rtspserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.bridge.BridgeConfig;
import io.kvr.bridge.IngestBridge;
import io.kvr.http.access.Grant;
import io.kvr.http.access.Role;
import io.kvr.http.access.SignedToken;
import io.kvr.mediatopic.MediaRecords;
import io.kvr.runtime.config.Settings;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.StreamInfo;
import io.kvr.testsupport.FFmpegTools;
import io.kvr.testsupport.FreePort;
import io.kvr.testsupport.rig.EmbeddedRig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
 * With access control on, FFmpeg pushes with credentials in the URL ({@code rtsp://user:pass@host/app/stream}) and
 * answers the server's Digest challenge: a publisher's signed token or API key for the app is recorded, a wrong
 * password and a credential for another app are refused.
 */
class RtspPublishAuthIT {
    private static final String SECRET = "rtsp-publish-it-secret-0123456789abcdef";
    private static final String KEY = "door-camera-key-0123456789";

    @TempDir
    static Path data;

    private static EmbeddedRig rig;
    private static IngestBridge bridge;
    private static int port;
    private static final SignedToken TOKENS = new SignedToken(SECRET);

    @BeforeAll
    static void start() throws Exception {
        rig = EmbeddedRig.start(data, 1);
        port = FreePort.pick();
        Path keys = data.resolve("api-keys");
        Files.writeString(keys, KEY + " publisher keyed/*\n");
        Map<String, String> s = new HashMap<>(rig.settings());
        s.put("rtsp.enabled", "true");
        s.put("rtsp.host", "127.0.0.1");
        s.put("rtsp.port", Integer.toString(port));
        s.put("access.required", "true");
        s.put("access.token.secret", SECRET);
        s.put("access.api.keys.file", keys.toString());
        bridge = IngestBridge.start(BridgeConfig.from(Settings.of(s)), new SimpleMeterRegistry());
    }

    @AfterAll
    static void stop() {
        if (bridge != null) {
            bridge.close();
        }
        if (rig != null) {
            rig.close();
        }
    }

    private static String publisherToken(String streams) {
        return TOKENS.mint(new Grant(streams, System.currentTimeMillis() / 1000 + 3600, null, null, Role.PUBLISHER));
    }

    /** {@code user:password@} of a signed token: the token split at its last dot. */
    private static String userInfo(String token) {
        int dot = token.lastIndexOf('.');
        return token.substring(0, dot) + ":" + token.substring(dot + 1) + "@";
    }

    private static FFmpegTools.Result push(String userInfo, String path) {
        return FFmpegTools.ffmpeg(
                Duration.ofSeconds(60),
                "-v",
                "error",
                "-f",
                "lavfi",
                "-i",
                "testsrc=size=320x180:rate=25",
                "-t",
                "3",
                "-c:v",
                "libopenh264",
                "-g",
                "25",
                "-f",
                "rtsp",
                "-rtsp_transport",
                "tcp",
                "rtsp://" + userInfo + "127.0.0.1:" + port + "/" + path);
    }

    @Test
    void aPublishersTokenForTheAppPushesWithDigest() {
        FFmpegTools.Result pushed = push(userInfo(publisherToken("live/*")), "live/door");
        assertThat(pushed.ok()).as(pushed.describe()).isTrue();
        List<Object> records = read("live/door", Duration.ofSeconds(30), 10);
        assertThat(records).anyMatch(StreamInfo.class::isInstance);
        assertThat(records.stream()
                        .filter(AccessUnit.class::isInstance)
                        .map(AccessUnit.class::cast)
                        .filter(AccessUnit::getKeyframe)
                        .count())
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void anApiKeyInClearPushesWithDigest() {
        FFmpegTools.Result pushed = push("door:" + KEY + "@", "keyed/door");
        assertThat(pushed.ok()).as(pushed.describe()).isTrue();
        assertThat(read("keyed/door", Duration.ofSeconds(30), 10)).anyMatch(StreamInfo.class::isInstance);
    }

    @Test
    void aWrongPasswordIsRefusedWith401() {
        String token = publisherToken("live/*");
        String wrong = token.substring(0, token.lastIndexOf('.')) + ":" + "A".repeat(43) + "@";
        FFmpegTools.Result pushed = push(wrong, "live/wrong");
        assertThat(pushed.ok()).as(pushed.describe()).isFalse();
        assertThat(pushed.stderr()).contains("401");
        FFmpegTools.Result none = push("", "live/none");
        assertThat(none.ok()).as(none.describe()).isFalse();
        assertThat(none.stderr()).contains("401");
    }

    @Test
    void aCredentialForAnotherAppIsRefusedWith403() {
        FFmpegTools.Result pushed = push(userInfo(publisherToken("other/*")), "live/elsewhere");
        assertThat(pushed.ok()).as(pushed.describe()).isFalse();
        assertThat(pushed.stderr()).contains("403");
        String viewer = TOKENS.mint(new Grant("live/*", System.currentTimeMillis() / 1000 + 3600, null, null));
        FFmpegTools.Result asViewer = push(userInfo(viewer), "live/viewer");
        assertThat(asViewer.ok()).as(asViewer.describe()).isFalse();
        assertThat(asViewer.stderr()).contains("403");
    }

    /** The records of {@code stream} on the media topic, once at least {@code units} access units are there. */
    static List<Object> read(String stream, Duration timeout, int units) {
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
                    break;
                }
                for (ConsumerRecord<String, byte[]> r : polled) {
                    if (stream.equals(r.key())) {
                        Object decoded = decoder.decode(r.headers(), r.value());
                        out.add(decoded);
                        if (decoded instanceof AccessUnit) {
                            count++;
                        }
                    }
                }
            }
        }
        return out;
    }
}
