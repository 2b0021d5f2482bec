package io.kvr.bridge.rtspserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.bridge.BridgeConfig;
import io.kvr.bridge.IngestBridge;
import io.kvr.http.access.AccessSettings;
import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.testsupport.FFmpegTools;
import io.kvr.testsupport.FreePort;
import io.kvr.testsupport.rig.EmbeddedRig;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FFmpeg pushes H.264 + AAC into the media topic through the bridge's RTSP server; FFmpeg (over TCP and UDP) and
 * GStreamer play it live from that server and from a second server that only reads the topic.
 */
class RtspRelayIT {
    @TempDir
    static Path data;

    private static EmbeddedRig rig;
    private static IngestBridge bridge;
    private static RtspServer second;
    private static SimpleMeterRegistry metrics;
    private static int port;
    private static CompletableFuture<FFmpegTools.Result> push;

    @BeforeAll
    static void start() {
        rig = EmbeddedRig.start(data, 3);
        port = FreePort.pick();
        Map<String, String> s = new HashMap<>(rig.settings());
        s.put("rtsp.enabled", "true");
        s.put("rtsp.host", "127.0.0.1");
        s.put("rtsp.port", Integer.toString(port));
        s.put("publish.open", "true");
        metrics = new SimpleMeterRegistry();
        bridge = IngestBridge.start(BridgeConfig.from(Settings.of(s)), metrics);
        second = RtspServer.start(
                new RtspServerSettings(true, "127.0.0.1", 0, Duration.ofSeconds(60), false),
                AccessSettings.off(),
                (camera, tracks, channels, connection) -> {
                    throw new IllegalStateException("this server takes no pushes");
                },
                new PublishedPaths(),
                name -> false,
                new KafkaClients(KafkaSettings.from(Settings.of(rig.settings()))),
                new SimpleMeterRegistry());
        push = CompletableFuture.supplyAsync(() -> FFmpegTools.ffmpeg(
                Duration.ofSeconds(240),
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
                "180",
                "-c:v",
                "libopenh264",
                "-g",
                "25",
                "-c:a",
                "aac",
                "-f",
                "rtsp",
                "-rtsp_transport",
                "tcp",
                "rtsp://127.0.0.1:" + port + "/relay/cam1"));
        // the push is on the topic once a player is described the stream
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> FFmpegTools.ffprobe(
                                Duration.ofSeconds(20),
                                "-v",
                                "error",
                                "-rtsp_transport",
                                "tcp",
                                "-show_streams",
                                url(port))
                        .ok());
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
        if (bridge != null) {
            bridge.close();
        }
        if (push != null) {
            push.cancel(true);
        }
        if (rig != null) {
            rig.close();
        }
    }

    private static String url(int port) {
        return "rtsp://127.0.0.1:" + port + "/relay/cam1";
    }

    private static FFmpegTools.Result play(int port, String transport, String... output) {
        String[] head = {"-v", "error", "-timeout", "10000000", "-rtsp_transport", transport, "-i", url(port)};
        // as FFmpegTools.decode: the null output keeps the demuxer's time base
        String[] tail = {"-enc_time_base", "demux", "-f", "null", "-"};
        String[] args = new String[head.length + output.length + tail.length];
        System.arraycopy(head, 0, args, 0, head.length);
        System.arraycopy(output, 0, args, head.length, output.length);
        System.arraycopy(tail, 0, args, head.length + output.length, tail.length);
        return FFmpegTools.ffmpeg(Duration.ofSeconds(30), args);
    }

    @Test
    void ffmpegPlaysOverTcpCleanly() {
        FFmpegTools.Result r = play(port, "tcp", "-t", "3");
        assertThat(r.ok()).as(r.describe()).isTrue();
        assertThat(r.stderr()).as(r.describe()).isBlank();
        Timer latency = metrics.find("kvr_bridge_relay_latency").timer();
        assertThat(latency).isNotNull();
        assertThat(latency.count()).isPositive();
        // the relay adds little to the way from arrival to the player: the producer's linger, the broker, a
        // 10 ms fetch wait and the packetizing; a loaded 2-core machine stays far below a second
        double p99 = 0;
        for (var v : latency.takeSnapshot().percentileValues()) {
            if (v.percentile() == 0.99) {
                p99 = v.value(TimeUnit.MILLISECONDS);
            }
        }
        System.out.printf(
                "relay latency: %d units, mean %.1f ms, p99 %.1f ms%n",
                latency.count(), latency.mean(TimeUnit.MILLISECONDS), p99);
        assertThat(p99).isLessThan(1000);
    }

    @Test
    void ffmpegPlaysOverUdpCleanly() {
        FFmpegTools.Result r = play(port, "udp", "-t", "3");
        assertThat(r.ok()).as(r.describe()).isTrue();
        assertThat(r.stderr()).as(r.describe()).isBlank();
    }

    @Test
    void firstPictureComesFromTheKeyframeCache() {
        long started = System.nanoTime();
        FFmpegTools.Result r = play(port, "tcp", "-frames:v", "1");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(r.ok()).as(r.describe()).isTrue();
        // process start, DESCRIBE to a live feed, then the cached keyframe: well under a GOP on an idle machine;
        // the bound holds on a loaded one
        assertThat(ms).isLessThan(8000);
    }

    @Test
    void aServerThatOnlyReadsTheTopicServesTheStream() {
        FFmpegTools.Result r = play(second.port(), "tcp", "-t", "3");
        assertThat(r.ok()).as(r.describe()).isTrue();
        assertThat(r.stderr()).as(r.describe()).isBlank();
    }

    @Test
    void gstreamerPlaysOverTcp() {
        gstreamer("tcp");
    }

    @Test
    void gstreamerPlaysOverUdp() {
        gstreamer("udp");
    }

    /** rtspsrc with its H.264 depayloader and parser until 50 access units passed. */
    private static void gstreamer(String protocols) {
        FFmpegTools.Result r = FFmpegTools.run(
                Duration.ofSeconds(60),
                "gst-launch-1.0",
                "-q",
                "rtspsrc",
                "location=" + url(port),
                "protocols=" + protocols,
                "!",
                "rtph264depay",
                "!",
                "h264parse",
                "!",
                "identity",
                "eos-after=50",
                "!",
                "fakesink");
        assertThat(r.ok()).as(r.describe()).isTrue();
    }

    @Test
    void aStreamThatIsNotLiveIs404() {
        FFmpegTools.Result r = FFmpegTools.ffprobe(
                Duration.ofSeconds(30),
                "-v",
                "error",
                "-rtsp_transport",
                "tcp",
                "rtsp://127.0.0.1:" + port + "/relay/none");
        assertThat(r.ok()).isFalse();
        assertThat(r.stderr()).contains("404");
    }
}
