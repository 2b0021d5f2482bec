package io.kvr.bridge.rtspserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.bridge.BridgeConfig;
import io.kvr.bridge.IngestBridge;
import io.kvr.runtime.config.Settings;
import io.kvr.testsupport.FFmpegTools;
import io.kvr.testsupport.FreePort;
import io.kvr.testsupport.TestCamera;
import io.kvr.testsupport.rig.EmbeddedRig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The relay serves every codec the bridge records: one bridge pulls the GStreamer test camera's H.264 + AAC,
 * H.265, H.264 + G.711 µ-law (with the AAC the bridge transcodes), H.264 + Opus and MPEG-4 Part 2 mounts at once,
 * and FFmpeg (over TCP and UDP) and GStreamer play each of them live from the bridge's RTSP server.
 */
class RtspRelayCodecsIT {
    private static final List<String> MOUNTS =
            List.of(TestCamera.H264_AAC, TestCamera.H265, TestCamera.H264_PCMU, TestCamera.H264_OPUS, TestCamera.MPEG4);

    @TempDir
    static Path data;

    private static EmbeddedRig rig;
    private static TestCamera camera;
    private static IngestBridge bridge;
    private static int port;

    @BeforeAll
    static void start() {
        rig = EmbeddedRig.start(data, 3);
        camera = TestCamera.start();
        port = FreePort.pick();
        Map<String, String> s = new HashMap<>(rig.settings());
        s.put("rtsp.enabled", "true");
        s.put("rtsp.host", "127.0.0.1");
        s.put("rtsp.port", Integer.toString(port));
        for (String mount : MOUNTS) {
            s.put("camera.relay" + mount + ".url", camera.url(mount));
        }
        bridge = IngestBridge.start(BridgeConfig.from(Settings.of(s)), new SimpleMeterRegistry());
        // every camera is on the topic once a player is described its stream
        for (String mount : MOUNTS) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> FFmpegTools.ffprobe(
                                    Duration.ofSeconds(20),
                                    "-v",
                                    "error",
                                    "-rtsp_transport",
                                    "tcp",
                                    "-show_streams",
                                    url(mount))
                            .ok());
        }
    }

    @AfterAll
    static void stop() {
        if (bridge != null) {
            bridge.close();
        }
        if (camera != null) {
            camera.close();
        }
        if (rig != null) {
            rig.close();
        }
    }

    private static String url(String mount) {
        return "rtsp://127.0.0.1:" + port + "/relay" + mount;
    }

    /**
     * The relay describes every track of the stream it can send: G.711 and Opus as the camera sent them and the AAC
     * the bridge transcodes from them, so a player picks the audio it decodes.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "/h264aac, h264 aac",
        "/h265, hevc",
        "/h264pcmu, h264 pcm_mulaw aac",
        "/h264opus, h264 opus aac",
        "/mpeg4, mpeg4",
    })
    void theDescriptionOffersEveryTrack(String mount, String codecs) {
        FFmpegTools.Result r = FFmpegTools.ffprobe(
                Duration.ofSeconds(30),
                "-v",
                "error",
                "-rtsp_transport",
                "tcp",
                "-show_entries",
                "stream=codec_name",
                "-of",
                "csv=p=0",
                url(mount));
        assertThat(r.ok()).as(r.describe()).isTrue();
        assertThat(r.stdout().strip().lines().toList()).as(r.describe()).containsExactly(codecs.split(" "));
    }

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({
        "/h264aac, tcp", "/h264aac, udp",
        "/h265, tcp", "/h265, udp",
        "/h264pcmu, tcp", "/h264pcmu, udp",
        "/h264opus, tcp", "/h264opus, udp",
        "/mpeg4, tcp", "/mpeg4, udp",
    })
    void ffmpegDecodesThreeSecondsCleanly(String mount, String transport) {
        FFmpegTools.Result r = FFmpegTools.ffmpeg(
                Duration.ofSeconds(30),
                "-v",
                "error",
                "-timeout",
                "10000000",
                "-rtsp_transport",
                transport,
                "-i",
                url(mount),
                "-t",
                "3",
                // as FFmpegTools.decode: the null output keeps the demuxer's time base
                "-enc_time_base",
                "demux",
                "-f",
                "null",
                "-");
        assertThat(r.ok()).as(r.describe()).isTrue();
        assertThat(r.stderr()).as(r.describe()).isBlank();
    }

    /** rtspsrc with the video's depayloader and parser until 50 access units passed. */
    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({
        "/h264aac, tcp, rtph264depay, h264parse",
        "/h264aac, udp, rtph264depay, h264parse",
        "/h265, tcp, rtph265depay, h265parse",
        "/h265, udp, rtph265depay, h265parse",
        "/h264pcmu, tcp, rtph264depay, h264parse",
        "/h264pcmu, udp, rtph264depay, h264parse",
        "/h264opus, tcp, rtph264depay, h264parse",
        "/h264opus, udp, rtph264depay, h264parse",
        "/mpeg4, tcp, rtpmp4vdepay, mpeg4videoparse",
        "/mpeg4, udp, rtpmp4vdepay, mpeg4videoparse",
    })
    void gstreamerPlays(String mount, String protocols, String depayloader, String parser) {
        FFmpegTools.Result r = FFmpegTools.run(
                Duration.ofSeconds(60),
                "gst-launch-1.0",
                "-q",
                "rtspsrc",
                "location=" + url(mount),
                "protocols=" + protocols,
                "!",
                depayloader,
                "!",
                parser,
                "!",
                "identity",
                "eos-after=50",
                "!",
                "fakesink");
        assertThat(r.ok()).as(r.describe()).isTrue();
    }
}
