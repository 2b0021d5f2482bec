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
    @CsvSource(
            value = {
                "tcp, tcp",
                "udp, udp",
                "auto, auto",
                "TCP, tcp",
                "Udp, udp",
                "AUTO, auto",
                "'', tcp",
                "'  ', tcp",
                "NULL, tcp"
            },
            nullValues = "NULL")
    void transportDefaultsToTcpAndIsCaseInsensitive(String given, String expected) {
        assertThat(new CameraConfig(DOOR, "rtsp://10.0.0.5/x", given).transport())
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "rtp", "udp_multicast", "tcp ", "quic"})
    void otherTransportsAreRefusedNamingTheCamera(String transport) {
        assertThatThrownBy(() -> new CameraConfig(DOOR, SECRET_URL, transport))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("live/door")
                .hasMessageContaining("tcp, udp or auto")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" "})
    void urlIsRequired(String url) {
        assertThatThrownBy(() -> new CameraConfig(DOOR, url, "tcp"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("live/door")
                .hasMessageContaining("url");
    }

    @Test
    void toStringAndRedactedUrlHideCredentials() {
        CameraConfig camera = new CameraConfig(DOOR, SECRET_URL, "udp");

        assertThat(camera.toString())
                .doesNotContain("hunter2", "admin")
                .isEqualTo("CameraConfig[live/door, rtsp://***@10.0.0.5:554/stream1, udp, clock camera]");
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

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(
            value = {"camera, camera", "server, server", "SERVER, server", "'', camera", "NULL, camera"},
            nullValues = "NULL")
    void clockDefaultsToCamera(String given, String expected) {
        CameraConfig camera = new CameraConfig(DOOR, "rtsp://10.0.0.5/x", "tcp", given);

        assertThat(camera.clock()).isEqualTo(expected);
        assertThat(camera.cameraClock()).isEqualTo(expected.equals("camera"));
    }

    @Test
    void otherClocksAreRefused() {
        assertThatThrownBy(() -> new CameraConfig(DOOR, SECRET_URL, "tcp", "ntp"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("live/door")
                .hasMessageContaining("camera or server");
    }

    @ParameterizedTest(name = "{0} / {1} -> {2}")
    @CsvSource({
        "kvr, s3cret-pw, rtsp://kvr:s3cret-pw@10.0.0.5:554/stream1",
        "admin, 'p@ss:w/rd #1', rtsp://admin:p%40ss%3Aw%2Frd%20%231@10.0.0.5:554/stream1",
        "'user name', '', rtsp://user%20name@10.0.0.5:554/stream1",
    })
    void credentialsAreInsertedIntoTheUrlPercentEncoded(String user, String password, String expected) {
        CameraConfig camera = new CameraConfig(DOOR, "rtsp://10.0.0.5:554/stream1", "tcp", null, user, password);

        assertThat(camera.openUrl()).isEqualTo(expected);
        assertThat(camera.url()).isEqualTo("rtsp://10.0.0.5:554/stream1");
        assertThat(camera.redactedUrl()).isEqualTo("rtsp://10.0.0.5:554/stream1");
    }

    @Test
    void credentialsStayOutOfToString() {
        CameraConfig camera = new CameraConfig(DOOR, "rtsps://10.0.0.5/x", "auto", "server", "kvr", "s3cret-pw");

        assertThat(camera.toString())
                .doesNotContain("s3cret-pw")
                .doesNotContain("kvr")
                .isEqualTo("CameraConfig[live/door, rtsps://10.0.0.5/x, auto, clock server, user ***]");
        assertThat(camera.isRtsps()).isTrue();
    }

    @Test
    void withoutSeparateCredentialsTheUrlIsOpenedAsItIs() {
        assertThat(new CameraConfig(DOOR, SECRET_URL, "tcp").openUrl()).isEqualTo(SECRET_URL);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "RTSPS://Cam.Local/Live, rtsps://Cam.Local/Live",
        "Rtsp://admin:PW@10.0.0.5/X, rtsp://admin:PW@10.0.0.5/X",
        "UDP://127.0.0.1:5000?A=B, udp://127.0.0.1:5000?A=B",
    })
    void theSchemeIsOpenedInLowerCaseAsFfmpegNamesItsProtocols(String url, String opened) {
        assertThat(new CameraConfig(DOOR, url, "tcp").openUrl()).isEqualTo(opened);
        assertThat(new CameraConfig(DOOR, "RTSPS://10.0.0.5/x", "tcp", null, "kvr", "pw").openUrl())
                .isEqualTo("rtsps://kvr:pw@10.0.0.5/x");
    }

    @Test
    void credentialsInBothPlacesOrAPasswordWithoutUserAreRefused() {
        assertThatThrownBy(() -> new CameraConfig(DOOR, SECRET_URL, "tcp", null, "kvr", "s3cret-pw"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2", "s3cret-pw"));
        assertThatThrownBy(() -> new CameraConfig(DOOR, "rtsp://10.0.0.5/x", "tcp", null, "", "s3cret-pw"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a username")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret-pw"));
    }
}
