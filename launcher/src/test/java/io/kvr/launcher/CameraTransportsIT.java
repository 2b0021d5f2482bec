package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvr.launcher.CameraCodecsIT.MediaTopic;
import io.kvr.launcher.CameraCodecsIT.SecretWatch;
import io.kvr.schemas.Codec;
import io.kvr.schemas.StreamInfo;
import io.kvr.schemas.TrackInfo;
import io.kvr.testsupport.FFmpegTools;
import io.kvr.testsupport.TestCamera;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The transports and authentications {@link CameraCodecsIT} leaves out, and Opus, against real
 * GStreamer RTSP cameras recorded by one kvr: RTSP Basic authentication with the right password (as settings) and
 * a wrong one (in the URL), transport {@code auto} against a camera whose RTP over UDP never arrives (it must fall
 * back to TCP), {@code rtsps://} (a second camera on TLS with a self-signed certificate, Basic auth with the
 * password in the URL), and H.264 + Opus (Opus recorded on the media topic as its own codec, and as transcoded AAC
 * in the playlist). No password reaches a log line, {@code /metrics}, {@code /v1/cameras}, an error or a
 * {@code StreamInfo}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CameraTransportsIT {
    private static final String PASSWORD = TestCamera.AUTH_PASSWORD;
    private static final String WRONG_PASSWORD = "n0t-the-pw";
    private static final List<String> GOOD =
            List.of("transports/basic", "transports/auto", "transports/rtsps", "transports/opus");

    @TempDir
    static Path data;

    static TestCamera camera;
    static TestCamera tlsCamera;
    static KvrServer kvr;
    static final SecretWatch secrets = new SecretWatch(PASSWORD, WRONG_PASSWORD);
    static MediaTopic media;

    @BeforeAll
    static void start() throws Exception {
        secrets.attach();
        camera = TestCamera.start();
        Path certs = Files.createDirectories(data.resolve("certs"));
        tlsCamera = TestCamera.startTls(TestCamera.selfSignedPem(certs));
        Map<String, String> cameras = new LinkedHashMap<>();
        cameras.put("transports/basic", camera.url(TestCamera.BASIC)); // credentials as settings, below
        cameras.put(
                "transports/basic-wrong",
                CameraCodecsIT.withUser(camera.url(TestCamera.BASIC), TestCamera.AUTH_USER, WRONG_PASSWORD));
        cameras.put("transports/auto", camera.url(TestCamera.UDP_SILENT));
        cameras.put(
                "transports/rtsps",
                tlsCamera
                        .url(TestCamera.BASIC)
                        .replace("rtsps://", "rtsps://" + TestCamera.AUTH_USER + ":" + PASSWORD + "@"));
        cameras.put("transports/opus", camera.url(TestCamera.H264_OPUS));
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
                    "camera.transports/auto.transport=auto",
                    "camera.transports/basic.username=" + TestCamera.AUTH_USER,
                    "camera.transports/basic.password=" + PASSWORD
                }),
                cameras);
        media = new MediaTopic(kvr.kafkaBootstrap(), "kvr.media.v1");
    }

    @AfterAll
    static void stop() {
        try {
            if (media != null) {
                media.close();
            }
            if (kvr != null) {
                kvr.close();
            }
            if (camera != null) {
                camera.close();
            }
            if (tlsCamera != null) {
                tlsCamera.close();
            }
        } finally {
            secrets.detach();
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "transports/basic, h264",
        "transports/auto, h264",
        "transports/rtsps, h264",
        "transports/opus, h264 aac",
    })
    @Order(1)
    void eachCameraIsRecordedAndItsLivePlaylistDecodes(String stream, String codecs) throws Exception {
        String url = kvr.baseUrl() + "/" + stream + "/index.m3u8";
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> KvrPipelineIT.segments(KvrPipelineIT.playlistOrEmpty(url))
                                .size()
                        >= 4);
        var decode = FFmpegTools.decode(Duration.ofSeconds(60), url, "-t", "3");
        assertThat(decode.exitCode()).as(decode.describe()).isZero();
        assertThat(decode.stderr()).as("ffmpeg errors decoding %s", stream).isBlank();
        var probe = FFmpegTools.probe(url);
        assertThat(probe.codecNames())
                .as("%s", probe.json())
                .containsExactlyInAnyOrderElementsOf(List.of(codecs.split(" ")));
    }

    @Test
    @Order(2)
    void opusIsOnTheMediaTopicAsItsOwnCodecBesideTheTranscodedAac() {
        media.poll();
        StreamInfo info = media.lastInfo("transports/opus");
        assertThat(info.getTracks()).extracting(TrackInfo::getCodec).containsExactly(Codec.H264, Codec.OPUS, Codec.AAC);
        assertThat(info.getTracks().get(1).getSampleRate()).isEqualTo(48_000);
        assertThat(media.units("transports/opus", 1))
                .isNotEmpty()
                .allSatisfy(u -> assertThat(u.getCodec()).isEqualTo(Codec.OPUS));
        assertThat(media.units("transports/opus", 2))
                .isNotEmpty()
                .allSatisfy(u -> assertThat(u.getCodec()).isEqualTo(Codec.AAC));
    }

    @Test
    @Order(3)
    void transportAutoFellBackToTcpWhenUdpDeliveredNothing() throws Exception {
        assertThat(secrets.lines())
                .anySatisfy(line -> assertThat(line)
                        .contains("transports/auto")
                        .contains("transport auto")
                        .contains("using TCP"));
        assertThat(CameraCodecsIT.camera(kvr, "transports/auto").get("state")).isEqualTo("streaming");
    }

    @Test
    @Order(4)
    void theWrongBasicPasswordGivesAClearErrorAndTheOtherCamerasStream() throws Exception {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !CameraCodecsIT.camera(kvr, "transports/basic-wrong")
                        .get("last_error")
                        .toString()
                        .isEmpty());
        Map<String, Object> wrong = CameraCodecsIT.camera(kvr, "transports/basic-wrong");
        String error = wrong.get("last_error").toString();
        assertThat(error.toLowerCase(Locale.ROOT)).contains("401").contains("authorization");
        assertThat(error)
                .contains("rtsp://***@127.0.0.1")
                .doesNotContain(WRONG_PASSWORD)
                .doesNotContain(PASSWORD);
        assertThat(wrong.get("state")).isNotEqualTo("streaming");
        for (String good : GOOD) {
            Map<String, Object> c = CameraCodecsIT.camera(kvr, good);
            assertThat(c.get("state")).as("%s", c).isEqualTo("streaming");
            assertThat(c.get("last_error")).as("%s", c).isEqualTo("");
        }
        assertThat(CameraCodecsIT.camera(kvr, "transports/rtsps").get("url").toString())
                .startsWith("rtsps://***@");
    }

    @Test
    @Order(5)
    void noPasswordInLogsMetricsApiErrorsOrStreamAnnouncements() throws Exception {
        String cameras = CameraCodecsIT.get(kvr.baseUrl() + "/v1/cameras").body();
        String metrics = CameraCodecsIT.get(kvr.baseUrl() + "/metrics").body();
        assertThat(cameras).contains("basic-wrong").doesNotContain(PASSWORD).doesNotContain(WRONG_PASSWORD);
        assertThat(metrics)
                .contains("kvr_bridge_camera_last_error")
                .doesNotContain(PASSWORD)
                .doesNotContain(WRONG_PASSWORD);
        media.poll();
        for (String stream : GOOD) {
            assertThat(media.lastInfo(stream).getSourceUrl()).doesNotContain(PASSWORD);
        }
        assertThat(camera.recentOutput() + tlsCamera.recentOutput()).doesNotContain(PASSWORD);
        assertThat(secrets.checked()).as("log events checked").isGreaterThan(20);
        assertThat(secrets.leaks()).as("log events holding a password").isEmpty();
    }
}
