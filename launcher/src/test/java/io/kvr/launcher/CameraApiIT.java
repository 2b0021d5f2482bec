package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvr.testsupport.JsonValues;
import io.kvr.testsupport.TestCamera;
import io.kvr.testsupport.rig.MediaTopicLog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * Camera management over REST on a running kvr (no restart): a posted camera records, is listed without its
 * password, can be disabled, and stops when deleted; bad requests get 400/404/405 with a reason.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CameraApiIT {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String PASSWORD = "s3cret-Pw";

    @TempDir
    static Path data;

    static TestCamera camera;
    static KvrServer kvr;
    static String cameraUrl;

    @BeforeAll
    static void start() {
        camera = TestCamera.start();
        // the test camera asks for no credentials; FFmpeg simply does not use them
        cameraUrl = "rtsp://admin:" + PASSWORD + "@127.0.0.1:" + camera.port() + TestCamera.H264;
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
                    "bridge.instance.id=api-it"
                }),
                Map.of());
    }

    @AfterAll
    static void stop() {
        if (kvr != null) {
            kvr.close();
        }
        if (camera != null) {
            camera.close();
        }
    }

    @Test
    @Order(1)
    void aPostedCameraRecordsWithoutARestartAndIsListedWithoutItsPassword() throws Exception {
        assertThat(send("GET", "/v1/cameras", null).body()).isEqualTo("[]");

        HttpResponse<String> created = send("POST", "/v1/cameras", """
                {"app":"api","stream":"door","url":"%s","transport":"tcp","clock":"server","enabled":true}""".formatted(cameraUrl));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain(PASSWORD);
        Map<String, Object> body = JsonValues.parseObject(created.body());
        assertThat(body)
                .containsEntry("app", "api")
                .containsEntry("stream", "door")
                .containsEntry("url", "rtsp://***@127.0.0.1:" + camera.port() + "/h264")
                .containsEntry("transport", "tcp")
                .containsEntry("clock", "server")
                .containsEntry("enabled", true)
                .containsEntry("origin", "api")
                .containsEntry("instance", "api-it");
        assertThat(body.get("state")).isIn("connecting", "streaming");

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> "streaming"
                        .equals(JsonValues.parseObject(send("GET", "/v1/cameras/api/door", null)
                                        .body())
                                .get("state")));
        HttpResponse<String> list = send("GET", "/v1/cameras", null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(PASSWORD).doesNotContain("admin");
        assertThat((List<?>) JsonValues.parse(list.body()))
                .singleElement()
                .satisfies(c -> assertThat(asMap(c))
                        .containsEntry("app", "api")
                        .containsEntry("stream", "door")
                        .containsEntry("state", "streaming")
                        .containsEntry("last_error", "")
                        .containsEntry("sessions", 1L)
                        .containsEntry("instance", "api-it")
                        .containsEntry("url", "rtsp://***@127.0.0.1:" + camera.port() + "/h264"));
        assertThat(kvr.bridge().cameras())
                .singleElement()
                .satisfies(s -> assertThat(s.camera().name().id()).isEqualTo("api/door"));

        // recorded through the whole pipeline: a live playlist with segments
        await().atMost(Duration.ofSeconds(45))
                .pollInterval(Duration.ofMillis(500))
                .until(() ->
                        KvrPipelineIT.segments(KvrPipelineIT.playlistOrEmpty(kvr.baseUrl() + "/api/door/index.m3u8"))
                                        .size()
                                >= 2);
        assertThat(send("GET", "/metrics", null).body())
                .contains("state=\"streaming\",stream=\"api/door\"} 1.0")
                .doesNotContain(PASSWORD);
    }

    @Test
    @Order(2)
    void postingAgainReplacesTheCameraAndDisablingStopsIt() throws Exception {
        HttpResponse<String> disabled = send("POST", "/v1/cameras", """
                {"app":"api","stream":"door","url":"%s","enabled":false}""".formatted(cameraUrl));

        assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
        assertThat(JsonValues.parseObject(disabled.body()))
                .containsEntry("enabled", false)
                .containsEntry("state", "stopped")
                .containsEntry("clock", "camera");
        assertThat(kvr.bridge().cameras()).isEmpty();

        HttpResponse<String> enabled = send("POST", "/v1/cameras", """
                {"app":"api","stream":"door","url":"%s"}""".formatted(cameraUrl));
        assertThat(enabled.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> "streaming"
                        .equals(JsonValues.parseObject(send("GET", "/v1/cameras/api/door", null)
                                        .body())
                                .get("state")));
    }

    @Test
    @Order(3)
    void aDeletedCameraStopsRecordingAndIsGone() throws Exception {
        HttpResponse<String> deleted = send("DELETE", "/v1/cameras/api/door", null);
        long deletedAt = System.currentTimeMillis();

        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
        assertThat(kvr.bridge().cameras()).isEmpty();
        assertThat(send("GET", "/v1/cameras/api/door", null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/v1/cameras", null).body()).isEqualTo("[]");
        assertThat(send("DELETE", "/v1/cameras/api/door", null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/metrics", null).body()).doesNotContain("stream=\"api/door\"");
        try (MediaTopicLog media = new MediaTopicLog(kvr.kafkaBootstrap(), "kvr.media.v1")) {
            // nothing more arrives: the last unit was read before the DELETE answered
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> media.poll().lastArrivalMs("api/door") <= deletedAt);
            assertThat(media.runs().get("api/door")).hasSize(2);
        }
    }

    @ParameterizedTest(name = "{0} {1} -> {3}")
    @Order(4)
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "POST   | /v1/cameras               | `{`                                                  | 400 | not valid JSON",
                "POST   | /v1/cameras               | ``                                                   | 400 | body is empty",
                "POST   | /v1/cameras               | `[1]`                                                | 400 | JSON object",
                "POST   | /v1/cameras               | `{\"app\":\"a\",\"stream\":\"b\"}`                   | 400 | url: required",
                "POST   | /v1/cameras               | `{\"app\":\"a\",\"stream\":\"b\",\"url\":\"\"}`      | 400 | url: required",
                "POST   | /v1/cameras               | `{\"app\":\"a b\",\"stream\":\"b\",\"url\":\"rtsp://h/x\"}` | 400 | application name 'a b'",
                "POST   | /v1/cameras               | `{\"app\":\"a\",\"stream\":\"..\",\"url\":\"rtsp://h/x\"}`  | 400 | stream name '..'",
                "POST   | /v1/cameras               | `{\"stream\":\"b\",\"url\":\"rtsp://h/x\"}`          | 400 | app: required",
                "POST   | /v1/cameras               | `{\"app\":\"a\",\"stream\":\"b\",\"url\":\"rtsp://h/x\",\"transport\":\"sctp\"}` | 400 | transport: must be one of tcp, udp, auto",
                "POST   | /v1/cameras               | `{\"app\":\"a\",\"stream\":\"b\",\"url\":\"rtsp://h/x\",\"clock\":\"gps\"}`      | 400 | clock: must be one of camera, server",
                "POST   | /v1/cameras               | `{\"app\":\"a\",\"stream\":\"b\",\"url\":\"rtsp://h/x\",\"enabled\":1}`          | 400 | enabled: must be true or false",
                "POST   | /v1/cameras               | `{\"app\":\"a\",\"stream\":\"b\",\"url\":\"rtsp://***@h/x\"}`                   | 400 | redacted credentials",
                "GET    | /v1/cameras/a%20b/x       |                                                      | 400 | application name 'a b'",
                "GET    | /v1/cameras/live/..       |                                                      | 400 | stream name '..'",
                "GET    | /v1/cameras/live/nosuch   |                                                      | 404 | no camera live/nosuch",
                "DELETE | /v1/cameras/live/nosuch   |                                                      | 404 | no camera live/nosuch",
                "DELETE | /v1/cameras/bad%20app/x   |                                                      | 400 | application name 'bad app'",
                "PUT    | /v1/cameras               | `{}`                                                 | 405 | not allowed",
                "DELETE | /v1/cameras               |                                                      | 405 | not allowed",
            })
    void badRequestsAreRefusedWithAReason(String method, String path, String body, int status, String reason)
            throws Exception {
        HttpResponse<String> r = send(method, path, body == null ? null : body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        Map<String, Object> error = JsonValues.parseObject(r.body());
        assertThat((String) error.get("error")).contains(reason);
        assertThat(send("GET", "/v1/cameras", null).body()).isEqualTo("[]");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(kvr.baseUrl() + path)).timeout(Duration.ofSeconds(30));
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
