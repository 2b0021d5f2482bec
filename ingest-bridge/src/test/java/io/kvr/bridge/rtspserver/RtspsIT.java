package io.kvr.bridge.rtspserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.bridge.BridgeConfig;
import io.kvr.bridge.IngestBridge;
import io.kvr.runtime.config.Settings;
import io.kvr.testsupport.FFmpegTools;
import io.kvr.testsupport.FreePort;
import io.kvr.testsupport.SelfSignedCertificate;
import io.kvr.testsupport.rig.EmbeddedRig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RTSP over TLS with the edge's certificate ({@code http.tls.cert}, {@code http.tls.key}, a self-signed one here):
 * FFmpeg pushes to {@code rtsps://}, FFmpeg and GStreamer play the stream back over {@code rtsps://}.
 */
class RtspsIT {
    @TempDir
    static Path data;

    private static EmbeddedRig rig;
    private static IngestBridge bridge;
    private static int tlsPort;
    private static CompletableFuture<FFmpegTools.Result> push;

    @BeforeAll
    static void start() {
        rig = EmbeddedRig.start(data, 1);
        SelfSignedCertificate cert = SelfSignedCertificate.write(data, "edge");
        tlsPort = FreePort.pick();
        Map<String, String> s = new HashMap<>(rig.settings());
        s.put("rtsp.enabled", "true");
        s.put("rtsp.host", "127.0.0.1");
        s.put("rtsp.port", Integer.toString(FreePort.pick()));
        s.put("rtsp.tls.port", Integer.toString(tlsPort));
        s.put("http.tls.cert", cert.cert().toString());
        s.put("http.tls.key", cert.key().toString());
        s.put("publish.open", "true");
        bridge = IngestBridge.start(BridgeConfig.from(Settings.of(s)), new SimpleMeterRegistry());
        assertThat(bridge.rtspsPort()).hasValue(tlsPort);
        // FFmpeg does not verify a server's certificate unless told to (tls_verify), as for cameras
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
                "120",
                "-c:v",
                "libopenh264",
                "-g",
                "25",
                "-c:a",
                "aac",
                "-f",
                "rtsp",
                url()));
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .failFast("the push ended", push::isDone)
                .until(() -> FFmpegTools.ffprobe(Duration.ofSeconds(20), "-v", "error", "-show_streams", url())
                        .ok());
    }

    @AfterAll
    static void stop() {
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

    private static String url() {
        return "rtsps://127.0.0.1:" + tlsPort + "/tls/cam1";
    }

    @Test
    void ffmpegPushedOverTlsAndPlaysItBackCleanly() {
        FFmpegTools.Result r = FFmpegTools.ffmpeg(
                Duration.ofSeconds(30),
                "-v",
                "error",
                "-timeout",
                "10000000",
                "-i",
                url(),
                "-t",
                "3",
                "-enc_time_base",
                "demux",
                "-f",
                "null",
                "-");
        assertThat(r.ok()).as(r.describe()).isTrue();
        assertThat(r.stderr()).as(r.describe()).isBlank();
        FFmpegTools.Probe probe = FFmpegTools.probe(url());
        assertThat(probe.codecNames()).containsExactly("h264", "aac");
    }

    @Test
    void gstreamerPlaysOverTls() {
        // rtspsrc checks the certificate: a self-signed one is accepted with tls-validation-flags=0
        FFmpegTools.Result r = FFmpegTools.run(
                Duration.ofSeconds(60),
                "gst-launch-1.0",
                "-q",
                "rtspsrc",
                "location=" + url(),
                "tls-validation-flags=0",
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
}
