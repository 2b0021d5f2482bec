package io.kvr.bridge.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.bridge.camera.CameraUrlPolicy;
import io.kvr.http.HttpError;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CameraRequestTest {

    private static CameraSpec parse(String json) {
        return CameraRequest.parse(json.getBytes(StandardCharsets.UTF_8), CameraUrlPolicy.defaults());
    }

    @Test
    void aFullBodyKeepsEveryFieldAndOptionalOnesTakeDefaults() {
        CameraSpec full = parse("""
                {"app":"live","stream":"door","url":"rtsp://admin:hunter2@10.0.0.5/stream1",
                 "transport":"UDP","clock":"server","enabled":false,"state":"streaming","instance":"x"}""");
        CameraSpec minimal = parse("{\"app\":\"live\",\"stream\":\"yard\",\"url\":\"rtsp://10.0.0.6/h264\"}");

        assertThat(full.name().id()).isEqualTo("live/door");
        assertThat(full.url()).isEqualTo("rtsp://admin:hunter2@10.0.0.5/stream1");
        assertThat(full.transport()).isEqualTo("udp");
        assertThat(full.clock()).isEqualTo("server");
        assertThat(full.enabled()).isFalse();
        assertThat(full.toString()).doesNotContain("hunter2");
        assertThat(minimal.transport()).isEqualTo("tcp");
        assertThat(minimal.clock()).isEqualTo("camera");
        assertThat(minimal.enabled()).isTrue();
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "``                                                                     | body is empty",
                "`{`                                                                    | not valid JSON",
                "`{\"app\":\"a\",\"stream\":\"b\",\"url\":\"rtsp://h/x\"} x`            | not valid JSON",
                "`{\"app\":\"a\",\"app\":\"b\",\"stream\":\"b\",\"url\":\"rtsp://h/x\"}` | Duplicate field 'app'",
                "`[]`                                                                   | must be a JSON object",
                "`null`                                                                 | must be a JSON object",
                "`{\"stream\":\"b\",\"url\":\"rtsp://h/x\"}`                            | app: required",
                "`{\"app\":\"a\",\"url\":\"rtsp://h/x\"}`                               | stream: required",
                "`{\"app\":\"a\",\"stream\":\"b\"}`                                     | url: required",
                "`{\"app\":\"a\",\"stream\":\"b\",\"url\":\"  \"}`                      | url: required",
                "`{\"app\":\"a\",\"stream\":\"b\",\"url\":42}`                          | url: must be a string",
                "`{\"app\":\"a\",\"stream\":\"b\",\"url\":\"10.0.0.5/x\"}`              | url: must be an absolute URL",
                "`{\"app\":\"a\",\"stream\":\"b\",\"url\":\"rtsp://h/a b\"}`            | url: must be an absolute URL",
                "`{\"app\":\"a\",\"stream\":\"b\",\"url\":\"rtsp://***@h/x\"}`          | redacted credentials",
                "`{\"app\":\"a\",\"stream\":\"b\",\"url\":\"rtsp://h/x?password=***\"}` | redacted credentials",
                "`{\"app\":\"a\",\"stream\":\"b\",\"url\":\"file:///etc/passwd\"}`      | url: scheme 'file' is not allowed",
                "`{\"app\":\"a\",\"stream\":\"b\",\"url\":\"http://127.0.0.1:80/\"}`     | url: scheme 'http' is not allowed",
                "`{\"app\":\"a\",\"stream\":\"b\",\"url\":\"tcp://127.0.0.1:6379\"}`    | url: scheme 'tcp' is not allowed",
                "`{\"app\":\"a\",\"stream\":\"b\",\"url\":\"concat:/etc/passwd\"}`      | url: scheme 'concat' is not allowed",
                "`{\"app\":\"bad name\",\"stream\":\"b\",\"url\":\"rtsp://h/x\"}`       | application name 'bad name'",
                "`{\"app\":\"a\",\"stream\":\"..\",\"url\":\"rtsp://h/x\"}`             | stream name '..'",
                "`{\"app\":\"a/b\",\"stream\":\"c\",\"url\":\"rtsp://h/x\"}`            | application name 'a/b'",
                "`{\"app\":\"a\",\"stream\":\"b\",\"url\":\"rtsp://h/x\",\"transport\":\"sctp\"}` | transport: must be one of tcp, udp, auto, not 'sctp'",
                "`{\"app\":\"a\",\"stream\":\"b\",\"url\":\"rtsp://h/x\",\"clock\":\"gps\"}`      | clock: must be one of camera, server, not 'gps'",
                "`{\"app\":\"a\",\"stream\":\"b\",\"url\":\"rtsp://h/x\",\"enabled\":\"yes\"}`    | enabled: must be true or false",
                "`{\"app\":\"a\",\"stream\":\"b\",\"url\":\"rtsp://h/x\",\"password\":\"pw\"}`    | password: needs a username",
                "`{\"app\":\"a\",\"stream\":\"b\",\"url\":\"rtsp://u:p@h/x\",\"username\":\"u\"}` | username: credentials are given both",
                "`{\"app\":\"a\",\"stream\":\"b\",\"url\":\"rtsp://h/x\",\"username\":7}`          | username: must be a string",
            })
    void badBodiesAre400WithAReason(String body, String reason) {
        assertThatThrownBy(() -> parse(body)).isInstanceOfSatisfying(HttpError.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains(reason);
        });
    }

    @Test
    void hostileBodiesAre400NotAStackOverflow() {
        for (String body : new String[] {
            "[".repeat(200_000),
            "{\"app\":" + "[".repeat(200_000),
            "{\"url\":\"" + "x".repeat(1_100_000) + "\"}",
            "{\"app\":" + "1".repeat(1000) + "}",
            "{\"app\":\"a\",\"stream\":\"b\",\"url\":\"rtsp://h/x\",\"password\":\"hunter2\"} garbage"
        }) {
            assertThatThrownBy(() -> parse(body)).isInstanceOfSatisfying(HttpError.class, e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.getMessage())
                        .startsWith("body ")
                        .hasSizeLessThan(200)
                        .doesNotContain("hunter2");
            });
        }
    }

    @Test
    void separateCredentialsAreKeptOutOfTheUrlAndInsertedPercentEncodedWhenOpening() {
        CameraSpec spec = parse("""
                {"app":"a","stream":"b","url":"rtsp://10.0.0.5:554/stream1","username":"admin","password":"p@ss:w/rd"}""");

        assertThat(spec.url()).isEqualTo("rtsp://10.0.0.5:554/stream1");
        assertThat(spec.username()).isEqualTo("admin");
        assertThat(spec.cameraConfig().openUrl()).isEqualTo("rtsp://admin:p%40ss%3Aw%2Frd@10.0.0.5:554/stream1");
        assertThat(spec.cameraConfig().redactedUrl()).isEqualTo("rtsp://10.0.0.5:554/stream1");
        assertThat(spec.toString()).doesNotContain("p@ss").doesNotContain("admin");
        assertThat(CameraSpec.fromAvro(spec.name(), spec.toAvro("api", 1, "i"))).isEqualTo(spec);
        assertThat(parse("{\"app\":\"a\",\"stream\":\"b\",\"url\":\"rtsp://h/x\"}")
                        .cameraConfig()
                        .url())
                .isEqualTo("rtsp://h/x");
    }

    @Test
    void everyProblemIsNamedAtOnceAndNoPasswordIsQuoted() {
        assertThatThrownBy(() -> parse("""
                {"app":"a b","url":"rtsp://admin:hunter2@h/a b","transport":"x","clock":1}"""))
                .isInstanceOfSatisfying(
                        HttpError.class,
                        e -> assertThat(e.getMessage())
                                .contains("stream: required", "url: ", "transport: ", "clock: must be a string")
                                .doesNotContain("hunter2"));
        assertThatThrownBy(() -> parse("{\"app\":\"a\",\"stream\":\"b\",\"url\":rtsp://admin:hunter2@h/x}"))
                .isInstanceOfSatisfying(
                        HttpError.class, e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }
}
