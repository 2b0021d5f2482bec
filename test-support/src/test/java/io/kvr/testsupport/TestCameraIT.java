package io.kvr.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestCameraIT {
    private TestCamera camera;

    @BeforeAll
    void startCamera() {
        camera = TestCamera.start();
    }

    @AfterAll
    void stopCamera() {
        if (camera != null) {
            camera.close();
        }
    }

    @Test
    void servesH264() {
        assertThat(camera.url(TestCamera.H264)).isEqualTo("rtsp://127.0.0.1:" + camera.port() + "/h264");
        assertVideo(FFmpegTools.probe(camera.url(TestCamera.H264)), "h264");
    }

    @Test
    void servesH265() {
        assertVideo(FFmpegTools.probe(camera.url("h265")), "hevc");
    }

    @Test
    void servesH264WithAacWhenAvailable() {
        if (!camera.hasMount(TestCamera.H264_AAC)) {
            System.err.println("no " + TestCamera.H264_AAC + " mount (no AAC encoder); mounts: " + camera.mounts());
            return;
        }
        FFmpegTools.Probe probe = FFmpegTools.probe(camera.url(TestCamera.H264_AAC));
        assertVideo(probe, "h264");
        assertThat(probe.streams("audio"))
                .singleElement()
                .satisfies(a -> assertThat(a).containsEntry("codec_name", "aac"));
    }

    @Test
    void servesMpeg4PartTwoWithItsHeaderInTheSdp() {
        FFmpegTools.Probe probe = FFmpegTools.probe(camera.url(TestCamera.MPEG4));
        assertVideo(probe, "mpeg4");
        // the VOS/VO/VOL header (rtpmp4vpay's config=) reaches FFmpeg as extradata
        assertThat(((Number) probe.streams("video").get(0).get("extradata_size")).longValue())
                .isPositive();
    }

    @Test
    void unknownMountFails() {
        assertThatThrownBy(() -> FFmpegTools.probeJson(camera.url("/nope"), Duration.ofSeconds(20)))
                .hasMessageContaining("404");
    }

    @Test
    void restartsOnTheSamePort() {
        try (TestCamera cam = TestCamera.start()) {
            int port = cam.port();
            String url = cam.url(TestCamera.H264);
            assertVideo(FFmpegTools.probe(url), "h264");
            cam.stop();
            assertThat(cam.isRunning()).isFalse();
            assertThat(FFmpegTools.ffprobe(Duration.ofSeconds(20), "-v", "error", "-rtsp_transport", "tcp", url)
                            .ok())
                    .isFalse();
            cam.restart();
            assertThat(cam.isRunning()).isTrue();
            assertThat(cam.port()).isEqualTo(port);
            assertVideo(FFmpegTools.probe(url), "h264");
        }
    }

    private static void assertVideo(FFmpegTools.Probe probe, String codec) {
        assertThat(probe.streams("video"))
                .as(probe.json())
                .singleElement()
                .satisfies(v -> assertThat(v)
                        .containsEntry("codec_name", codec)
                        .containsEntry("width", 640L)
                        .containsEntry("height", 360L)
                        .containsEntry("r_frame_rate", "25/1"));
    }
}
