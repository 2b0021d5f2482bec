package io.kvr.bridge.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.runtime.stream.StreamName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class CameraConfigTest {
    private static final StreamName DOOR = new StreamName("live", "door");
    private static final String SECRET_URL = "rtsp://admin:hunter2@10.0.0.5:554/stream1";

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(value = {"tcp, tcp", "udp, udp", "TCP, tcp", "Udp, udp", "'', tcp", "'  ', tcp", "NULL, tcp"},
            nullValues = "NULL")
    void transportDefaultsToTcpAndIsCaseInsensitive(String given, String expected) {
        assertThat(new CameraConfig(DOOR, "rtsp://10.0.0.5/x", given).transport()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "rtp", "udp_multicast", "tcp ", "quic"})
    void otherTransportsAreRefusedNamingTheCamera(String transport) {
        assertThatThrownBy(() -> new CameraConfig(DOOR, SECRET_URL, transport))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("live/door").hasMessageContaining("tcp or udp")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" "})
    void urlIsRequired(String url) {
        assertThatThrownBy(() -> new CameraConfig(DOOR, url, "tcp")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("live/door").hasMessageContaining("url");
    }

    @Test
    void toStringAndRedactedUrlHideCredentials() {
        CameraConfig camera = new CameraConfig(DOOR, SECRET_URL, "udp");

        assertThat(camera.toString()).doesNotContain("hunter2", "admin")
                .isEqualTo("CameraConfig[live/door, rtsp://***@10.0.0.5:554/stream1, udp]");
        assertThat(camera.redactedUrl()).isEqualTo("rtsp://***@10.0.0.5:554/stream1");
        assertThat(camera.url()).isEqualTo(SECRET_URL);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "rtsp://10.0.0.5/x, true",
        "RTSP://10.0.0.5/x, true",
        "rtsps://cam.local/x, true",
        "http://10.0.0.5/mjpeg, false",
        "/dev/video0, false",
        "file:///tmp/clip.mp4, false",
    })
    void knowsWhichUrlsAreRtsp(String url, boolean rtsp) {
        assertThat(new CameraConfig(DOOR, url, null).isRtsp()).isEqualTo(rtsp);
    }
}
