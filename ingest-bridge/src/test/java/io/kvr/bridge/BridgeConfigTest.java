package io.kvr.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.kvr.bridge.sources.CameraSpec;
import io.kvr.runtime.config.ConfigException;
import io.kvr.runtime.config.Settings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BridgeConfigTest {

    private static Settings settings(String... keyValues) {
        Map<String, String> map = new HashMap<>();
        map.put("kafka.bootstrap.servers", "broker:9092");
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return Settings.of(map);
    }

    @Test
    void camerasComeFromUrlKeysWithOptionalTransportClockAndEnabled() {
        BridgeConfig config = BridgeConfig.from(settings(
                "camera.live/yard.url", "rtsp://10.0.0.6/h264",
                "camera.live/door.url", "rtsp://user:pass@10.0.0.5/stream1",
                "camera.live/door.transport", "UDP",
                "camera.live/door.clock", "server",
                "camera.live/porch.url", "rtsp://10.0.0.8/h264",
                "camera.live/porch.username", "admin",
                "camera.live/porch.password", "hunter2",
                "camera.live/gate.url", "rtsp://10.0.0.7/h264",
                "camera.live/gate.transport", "auto",
                "camera.live/gate.enabled", "false",
                "camera.site.a/front.door.url", "rtsps://cam.local/x"));

        assertThat(config.cameras())
                .extracting(
                        c -> c.name().id(),
                        CameraSpec::url,
                        CameraSpec::transport,
                        CameraSpec::clock,
                        CameraSpec::enabled)
                .containsExactly(
                        tuple("live/door", "rtsp://user:pass@10.0.0.5/stream1", "udp", "server", true),
                        tuple("live/gate", "rtsp://10.0.0.7/h264", "auto", "camera", false),
                        tuple("live/porch", "rtsp://10.0.0.8/h264", "tcp", "camera", true),
                        tuple("live/yard", "rtsp://10.0.0.6/h264", "tcp", "camera", true),
                        tuple("site.a/front.door", "rtsps://cam.local/x", "tcp", "camera", true));
        assertThat(config.cameras().get(0).toString()).doesNotContain("pass");
        assertThat(config.cameras().get(2).username()).isEqualTo("admin");
        assertThat(config.cameras().get(2).password()).isEqualTo("hunter2");
        assertThat(config.cameras().get(2).toString()).doesNotContain("hunter2");
    }

    @Test
    void rtspServerIsOffAndClosedToPublishersByDefault() {
        BridgeConfig defaults = BridgeConfig.from(settings("http.host", "10.0.0.1"));
        assertThat(defaults.rtsp().enabled()).isFalse();
        assertThat(defaults.rtsp().publishOpen()).isFalse();
        assertThat(defaults.rtsp().port()).isEqualTo(8554);
        assertThat(defaults.rtsp().host()).isEqualTo("10.0.0.1");
        assertThat(defaults.rtsp().sessionTimeout()).isEqualTo(java.time.Duration.ofSeconds(60));

        BridgeConfig set = BridgeConfig.from(settings(
                "rtsp.enabled", "true",
                "rtsp.host", "0.0.0.0",
                "rtsp.port", "1554",
                "rtsp.session.timeout", "30s",
                "publish.open", "true"));
        assertThat(set.rtsp())
                .isEqualTo(new io.kvr.bridge.rtspserver.RtspServerSettings(
                        true, "0.0.0.0", 1554, java.time.Duration.ofSeconds(30), true));
        assertThat(defaults.rtsp().udpPorts()).isEqualTo(io.kvr.bridge.rtspserver.UdpPortRange.ANY);
        assertThat(defaults.rtsp().clock()).isEqualTo("camera");

        BridgeConfig udp = BridgeConfig.from(settings("rtsp.udp.ports", "40000-40999", "rtsp.clock", "Server"));
        assertThat(udp.rtsp().udpPorts()).isEqualTo(new io.kvr.bridge.rtspserver.UdpPortRange(40000, 40999));
        assertThat(udp.rtsp().udpPorts().pairs()).isEqualTo(500);
        assertThat(udp.rtsp().clock()).isEqualTo("server");

        assertThatThrownBy(() -> BridgeConfig.from(settings("rtsp.udp.ports", "40001-40001", "rtsp.clock", "gps")))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .anySatisfy(p -> assertThat(p).startsWith("rtsp.udp.ports: "))
                                .anySatisfy(p ->
                                        assertThat(p).startsWith("rtsp.clock: ").contains("gps")));
    }

    @Test
    void defaultsAndOverridesOfTheBridgesOwnKeys() {
        BridgeConfig defaults = BridgeConfig.from(settings());
        BridgeConfig set = BridgeConfig.from(settings(
                "http.host",
                "0.0.0.0",
                "http.port",
                "9000",
                "bridge.read.timeout",
                "2500ms",
                "topics.prefix",
                "site1."));

        assertThat(defaults.cameras()).isEmpty();
        assertThat(defaults.httpHost()).isEqualTo("127.0.0.1");
        assertThat(defaults.httpPort()).isEqualTo(8081);
        assertThat(defaults.readTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.kafka().topics().media()).isEqualTo("kvr.media.v1");
        assertThat(defaults.kafka().topics().sources()).isEqualTo("kvr.sources.v1");
        assertThat(defaults.groupId()).isEqualTo("kvr-ingest-bridge");
        assertThat(defaults.instanceId()).endsWith("-" + ProcessHandle.current().pid());
        assertThat(set.httpHost()).isEqualTo("0.0.0.0");
        assertThat(set.httpPort()).isEqualTo(9000);
        assertThat(set.readTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(set.kafka().topics().media()).isEqualTo("site1.media.v1");
        assertThat(set.kafka().topics().sources()).isEqualTo("site1.sources.v1");
        assertThat(set.kafka().bootstrapServers()).isEqualTo("broker:9092");
    }

    @Test
    void everyBadCameraIsReportedByItsKeyWithoutItsCredentials() {
        Settings s = settings(
                "camera.live/door.url", "rtsp://admin:hunter2@10.0.0.5/stream1",
                "camera.nodash.url", "rtsp://admin:hunter2@10.0.0.7/x",
                "camera.live/../etc.url", "rtsp://10.0.0.8/x",
                "camera.live/bad name.url", "rtsp://10.0.0.9/x",
                "camera.live/empty.url", " ",
                "camera.live/yard.url", "rtsp://admin:hunter2@10.0.0.6/x",
                "camera.live/yard.transport", "sctp",
                "camera.live/gate.url", "rtsp://admin:hunter2@10.0.0.9/x",
                "camera.live/gate.clock", "gps",
                "camera.live/gate.enabled", "maybe",
                "camera.live/gate.pasword", "hunter2",
                "camera.live/redacted.url", "rtsp://***@10.0.0.9/x",
                "camera.live/rel.url", "10.0.0.9/x",
                "bridge.instance.id", "has space",
                "http.port", "99999");

        assertThatThrownBy(() -> BridgeConfig.from(s)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.problems())
                    .hasSize(12)
                    .anySatisfy(p ->
                            assertThat(p).startsWith("camera.live/gate.clock: ").contains("gps"))
                    .anySatisfy(p -> assertThat(p).startsWith("camera.live/gate.enabled: "))
                    .anySatisfy(p -> assertThat(p).startsWith("camera.live/gate.pasword: unknown camera setting"))
                    .anySatisfy(p -> assertThat(p)
                            .startsWith("camera.live/redacted.url: ")
                            .contains("redacted"))
                    .anySatisfy(p ->
                            assertThat(p).startsWith("camera.live/rel.url: ").contains("absolute"))
                    .anySatisfy(p -> assertThat(p).startsWith("bridge.instance.id: "))
                    .anySatisfy(p -> assertThat(p).startsWith("camera.nodash.url: "))
                    .anySatisfy(p -> assertThat(p).startsWith("camera.live/../etc.url: "))
                    .anySatisfy(p -> assertThat(p).startsWith("camera.live/bad name.url: "))
                    .anySatisfy(p -> assertThat(p).startsWith("camera.live/empty.url: "))
                    .anySatisfy(p -> assertThat(p)
                            .startsWith("camera.live/yard.transport: ")
                            .contains("sctp"))
                    .anySatisfy(p -> assertThat(p).startsWith("http.port: "));
            assertThat(e.getMessage()).doesNotContain("hunter2");
        });
    }

    @Test
    void cameraUrlsMustPassTheUrlPolicy() {
        Settings s = settings(
                "camera.live/file.url", "file:///etc/passwd",
                "camera.live/http.url", "http://admin:hunter2@10.0.0.5/mjpeg",
                "camera.live/local.url", "rtsp://admin:hunter2@127.0.0.1/x",
                "camera.live/ok.url", "rtsp://admin:hunter2@8.8.8.8/x",
                "bridge.url.deny.private", "true");

        assertThatThrownBy(() -> BridgeConfig.from(s)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.problems())
                    .hasSize(3)
                    .anySatisfy(p -> assertThat(p).startsWith("camera.live/file.url: scheme 'file' is not allowed"))
                    .anySatisfy(p -> assertThat(p).startsWith("camera.live/http.url: scheme 'http' is not allowed"))
                    .anySatisfy(p -> assertThat(p).startsWith("camera.live/local.url: host resolves to 127.0.0.1"));
            assertThat(e.getMessage()).doesNotContain("hunter2");
        });
        BridgeConfig mjpeg = BridgeConfig.from(
                settings("camera.live/http.url", "http://10.0.0.5/mjpeg", "bridge.url.schemes", "rtsp,http"));
        assertThat(mjpeg.cameras())
                .singleElement()
                .satisfies(c -> assertThat(c.url()).isEqualTo("http://10.0.0.5/mjpeg"));
        assertThat(mjpeg.urlPolicy().schemes()).containsExactlyInAnyOrder("rtsp", "http");
    }

    @Test
    void missingBootstrapServersIsReportedWithTheOtherProblems() {
        Settings s = Settings.of(Map.of("camera.bad.url", "rtsp://x/y"));

        assertThatThrownBy(() -> BridgeConfig.from(s))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .hasSize(2)
                                .anySatisfy(p -> assertThat(p).startsWith("kafka.bootstrap.servers"))
                                .anySatisfy(p -> assertThat(p).startsWith("camera.bad.url")));
    }
}
