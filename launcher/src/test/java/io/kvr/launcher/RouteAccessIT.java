package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvr.http.Router;
import io.kvr.http.access.Grant;
import io.kvr.http.access.Role;
import io.kvr.http.access.SignedToken;
import io.kvr.index.IndexedSegment;
import io.kvr.schemas.SegmentRecord;
import io.kvr.testsupport.JsonValues;
import io.kvr.testsupport.TestCamera;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route of the one-process kvr with the role it needs, in ONE table: the server's registered routes must be
 * exactly the table (a route added without being listed here, with its role, fails), and each route is asked,
 * with {@code access.required=true}, without a credential (401 with the challenge; public routes answer), with a
 * credential one role too low (403; for viewer routes a viewer's of another stream), with the right role but for
 * another stream where the route is about one (403), and with the right credential (2xx, a real answer from a
 * few seconds recorded from the GStreamer test camera). Credentials: signed tokens of each role (query and
 * bearer), and API keys from {@code access.api.keys.file} (plain and {@code sha256:}, as bearer and
 * {@code X-Api-Key}).
 */
class RouteAccessIT {
    private static final String TOKEN_SECRET = "route-access-it-secret-0123456789abcdef";
    private static final String OPERATOR_KEY = "operator-key-0123456789-abcdefgh";
    private static final String ADMIN_KEY = "admin-key-0123456789-abcdefghijkl";
    private static final String STREAM = "rt/cam";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final SignedToken TOKENS = new SignedToken(TOKEN_SECRET);

    /** A route, the role it needs, whether it is about one stream (or application), and a request it answers. */
    private record Row(String method, String pattern, Role role, boolean scoped, String example, String body) {
        Router.Endpoint endpoint() {
            return new Router.Endpoint(method, pattern, role);
        }
    }

    private static Row row(String method, String pattern, Role role, String example) {
        return new Row(method, pattern, role, false, example, null);
    }

    private static Row scoped(String method, String pattern, Role role, String example) {
        return new Row(method, pattern, role, true, example, null);
    }

    private static Row scoped(String method, String pattern, Role role, String example, String body) {
        return new Row(method, pattern, role, true, example, body);
    }

    /**
     * THE table. {@code {start}}/{@code {end}} are a recorded range of {@value #STREAM}, {@code {segment}} one of its
     * media segments, {@code {job}} a finished export job, {@code {doomed}} another one (deleted here),
     * {@code {camera}} the camera's URL. Objects these need are made first: camera {@code rt/spare}, the policy of
     * application {@code gone}, the two jobs.
     */
    private static final List<Row> ROUTES = List.of(
            // ops
            row("GET", "/health", Role.PUBLIC, "/health"),
            row("GET", "/metrics", Role.OPERATOR, "/metrics"),
            // cameras (ingest bridge)
            row("GET", "/v1/cameras", Role.OPERATOR, "/v1/cameras"),
            scoped(
                    "POST",
                    "/v1/cameras",
                    Role.ADMIN,
                    "/v1/cameras",
                    "{\"app\":\"rt\",\"stream\":\"posted\",\"url\":\"{camera}\",\"enabled\":false}"),
            scoped("GET", "/v1/cameras/{app}/{stream}", Role.OPERATOR, "/v1/cameras/rt/cam"),
            scoped("DELETE", "/v1/cameras/{app}/{stream}", Role.ADMIN, "/v1/cameras/rt/spare"),
            // recording policies (segmenter)
            row("GET", "/v1/policies", Role.OPERATOR, "/v1/policies"),
            scoped("GET", "/v1/policies/{app}", Role.OPERATOR, "/v1/policies/rt"),
            scoped("PUT", "/v1/policies/{app}", Role.ADMIN, "/v1/policies/quiet", "{\"recording\": true}"),
            scoped("DELETE", "/v1/policies/{app}", Role.ADMIN, "/v1/policies/gone"),
            // the index
            row("GET", "/v1/index/streams", Role.OPERATOR, "/v1/index/streams"),
            scoped("GET", "/v1/index/segments/{app}/{stream}", Role.OPERATOR, "/v1/index/segments/rt/cam?last=2"),
            scoped("GET", "/v1/index/streams/{app}/{stream}", Role.OPERATOR, "/v1/index/streams/rt/cam"),
            // exports
            scoped(
                    "GET",
                    "/{app}/{stream}/export.mp4",
                    Role.VIEWER,
                    "/rt/cam/export.mp4?start_time={start}&end_time={end}"),
            scoped(
                    "POST",
                    "/v1/nvr/convert2mp4",
                    Role.OPERATOR,
                    "/v1/nvr/convert2mp4",
                    "{\"app_name\":\"rt\",\"stream_name\":\"cam\",\"start_time\":{start},\"end_time\":{end}}"),
            row("GET", "/v1/nvr/exports", Role.OPERATOR, "/v1/nvr/exports"),
            scoped("GET", "/v1/nvr/exports/{id}", Role.OPERATOR, "/v1/nvr/exports/{job}"),
            scoped("GET", "/v1/nvr/exports/{id}/file", Role.OPERATOR, "/v1/nvr/exports/{job}/file"),
            scoped("DELETE", "/v1/nvr/exports/{id}", Role.OPERATOR, "/v1/nvr/exports/{doomed}"),
            // the viewer page and its script
            row("GET", "/", Role.VIEWER, "/"),
            row("GET", "/assets/{file}", Role.PUBLIC, "/assets/hls.min.js"),
            // the edge; OPTIONS answers CORS preflights, which carry no credential
            row("GET", "/v1/streams", Role.VIEWER, "/v1/streams"),
            row("OPTIONS", "/v1/streams", Role.PUBLIC, "/v1/streams"),
            scoped("GET", "/v1/streams/{app}/{stream}/recordings", Role.VIEWER, "/v1/streams/rt/cam/recordings"),
            row("OPTIONS", "/v1/streams/{app}/{stream}/recordings", Role.PUBLIC, "/v1/streams/rt/cam/recordings"),
            scoped("GET", "/{app}/{stream}/index.m3u8", Role.VIEWER, "/rt/cam/index.m3u8"),
            row("OPTIONS", "/{app}/{stream}/index.m3u8", Role.PUBLIC, "/rt/cam/index.m3u8"),
            scoped(
                    "GET",
                    "/{app}/{stream}/playlist.m3u8",
                    Role.VIEWER,
                    "/rt/cam/playlist.m3u8?start_time={start}&end_time={end}"),
            row("OPTIONS", "/{app}/{stream}/playlist.m3u8", Role.PUBLIC, "/rt/cam/playlist.m3u8"),
            scoped("GET", "/{app}/{stream}/master.m3u8", Role.VIEWER, "/rt/cam/master.m3u8"),
            row("OPTIONS", "/{app}/{stream}/master.m3u8", Role.PUBLIC, "/rt/cam/master.m3u8"),
            scoped("GET", "/{app}/{stream}/{rest*}", Role.VIEWER, "/rt/cam/{segment}"),
            row("OPTIONS", "/{app}/{stream}/{rest*}", Role.PUBLIC, "/rt/cam/{segment}"));

    @TempDir
    static Path data;

    static TestCamera camera;
    static KvrServer kvr;
    static final Map<String, String> values = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        camera = TestCamera.start();
        Path keys = data.resolve("api-keys");
        Files.writeString(keys, """
                # machines and scripts
                %s operator

                sha256:%s admin
                """.formatted(
                        OPERATOR_KEY,
                        HexFormat.of()
                                .formatHex(MessageDigest.getInstance("SHA-256")
                                        .digest(ADMIN_KEY.getBytes(StandardCharsets.UTF_8)))));
        kvr = KvrServer.start(
                KvrOptions.parse(new String[] {
                    "run",
                    "--data",
                    data.resolve("kvr").toString(),
                    "--http",
                    "127.0.0.1:0",
                    "--kafka-port",
                    "0",
                    "--s3-port",
                    "0",
                    "access.required=true",
                    "access.token.secret=" + TOKEN_SECRET,
                    "access.api.keys.file=" + keys
                }),
                Map.of(STREAM, camera.url(TestCamera.H264)));
        List<SegmentRecord> recorded = await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(RouteAccessIT::segments, s -> s.size() >= 3);
        long start = recorded.get(0).getStartTimeMs();
        values.put("start", Long.toString(start));
        values.put("end", Long.toString(Math.min(start + 1500, recorded.get(0).getEndTimeMs())));
        values.put("camera", camera.url(TestCamera.H264));

        expect(
                201,
                send(
                        "POST",
                        "/v1/cameras",
                        "{\"app\":\"rt\",\"stream\":\"spare\",\"url\":\"" + camera.url(TestCamera.H264)
                                + "\",\"enabled\":false}",
                        admin()));
        expect(201, send("PUT", "/v1/policies/gone", "{\"recording\": true}", admin()));
        String job = submitExport();
        values.put("doomed", submitExport());
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> "done"
                        .equals(JsonValues.parseObject(body(send("GET", "/v1/nvr/exports/" + job, null, operator())))
                                .get("status")));
        values.put("job", job);
        String live = body(expect(200, send("GET", "/rt/cam/index.m3u8", null, bearer(viewer(STREAM)))));
        values.put(
                "segment",
                live.lines()
                        .filter(l -> !l.startsWith("#") && !l.isBlank())
                        .findFirst()
                        .orElseThrow());
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
    void theTableListsEveryRouteWithItsRole() {
        assertThat(kvr.endpoints())
                .as("the server's routes, against the table")
                .containsExactlyInAnyOrderElementsOf(
                        ROUTES.stream().map(Row::endpoint).toList());
    }

    @Test
    void everyRouteAnswersItsRoleOnlyAndReallyServesIt() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        for (Row row : ROUTES) {
            String what = row.method() + " " + row.pattern();
            String path = fill(row.example());
            String body = row.body() == null ? null : fill(row.body());
            HttpResponse<byte[]> anonymous = send(row.method(), path, body);
            if (row.role() == Role.PUBLIC) {
                soft.assertThat(anonymous.statusCode())
                        .as(what + " without a credential: " + body(anonymous))
                        .isBetween(200, 299);
                continue;
            }
            soft.assertThat(anonymous.statusCode())
                    .as(what + " without a credential")
                    .isEqualTo(401);
            soft.assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
                    .as(what)
                    .hasValue("Bearer realm=\"kvr\"");

            if (row.role() != Role.VIEWER) {
                Role lower = Role.values()[row.role().ordinal() - 1];
                HttpResponse<byte[]> low = send(row.method(), path, body, bearer(token(lower, "*")));
                soft.assertThat(low.statusCode())
                        .as(what + " as " + lower.wireName() + ": " + body(low))
                        .isEqualTo(403);
            }
            if (row.scoped()) {
                HttpResponse<byte[]> elsewhere = send(row.method(), path, body, bearer(token(row.role(), "other/*")));
                soft.assertThat(elsewhere.statusCode())
                        .as(what + " for another stream: " + body(elsewhere))
                        .isEqualTo(403);
            }

            HttpResponse<byte[]> right = switch (row.role()) {
                case VIEWER -> send(row.method(), withToken(path, token(Role.VIEWER, STREAM)), body);
                case OPERATOR -> send(row.method(), path, body, operator());
                default -> send(row.method(), path, body, admin());
            };
            soft.assertThat(right.statusCode())
                    .as(what + " as " + row.role().wireName() + ": " + body(right))
                    .isBetween(200, 299);
        }
        soft.assertAll();
    }

    @Test
    void listingsShowWhatTheCredentialCovers() throws Exception {
        String elsewhere = body(send("GET", withToken("/v1/streams", token(Role.VIEWER, "other/cam")), null));
        assertThat(elsewhere).isEqualTo("[]");
        assertThat(body(send("GET", withToken("/v1/streams", token(Role.VIEWER, STREAM)), null)))
                .contains("\"live_url\":\"/rt/cam/index.m3u8?token=");
        assertThat(body(send("GET", "/v1/cameras", null, bearer(token(Role.OPERATOR, "other/*")))))
                .isEqualTo("[]");
        assertThat(body(send("GET", "/v1/cameras", null, operator()))).contains("\"stream\":\"cam\"");
        assertThat(body(send("GET", "/v1/nvr/exports", null, bearer(token(Role.OPERATOR, "other/*")))))
                .isEqualTo("{\"exports\":[]}");
    }

    @Test
    void writesThatAreNotJsonAre415() throws Exception {
        HttpResponse<byte[]> form = HTTP.send(
                HttpRequest.newBuilder(URI.create(kvr.baseUrl() + "/v1/policies/rt"))
                        .timeout(Duration.ofSeconds(20))
                        .header("Authorization", "Bearer " + ADMIN_KEY)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .PUT(HttpRequest.BodyPublishers.ofString("recording=false"))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(JsonValues.parseObject(body(form)).get("error")).asString().contains("application/json");
    }

    // ---- requests and credentials ----

    private static List<SegmentRecord> segments() {
        try {
            return kvr.index().latest(STREAM, 100).stream()
                    .map(IndexedSegment::segment)
                    .toList();
        } catch (RuntimeException e) {
            return List.of(); // the index is restoring
        }
    }

    private static String submitExport() throws Exception {
        HttpResponse<byte[]> r = expect(
                202,
                send(
                        "POST",
                        "/v1/nvr/convert2mp4",
                        fill("{\"app_name\":\"rt\",\"stream_name\":\"cam\",\"start_time\":{start},\"end_time\":{end}}"),
                        operator()));
        return (String) JsonValues.parseObject(body(r)).get("id");
    }

    private static String fill(String template) {
        String out = template;
        for (var e : values.entrySet()) {
            out = out.replace("{" + e.getKey() + "}", e.getValue());
        }
        return out;
    }

    private static String token(Role role, String stream) {
        return TOKENS.mint(new Grant(stream, System.currentTimeMillis() / 1000 + 3600, null, null, role));
    }

    private static String viewer(String stream) {
        return token(Role.VIEWER, stream);
    }

    private static String withToken(String path, String token) {
        return path + (path.contains("?") ? "&" : "?") + "token=" + token;
    }

    private static String[] bearer(String credential) {
        return new String[] {"Authorization", "Bearer " + credential};
    }

    private static String[] operator() {
        return new String[] {"X-Api-Key", OPERATOR_KEY};
    }

    private static String[] admin() {
        return bearer(ADMIN_KEY);
    }

    private static HttpResponse<byte[]> send(String method, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(kvr.baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> expect(int status, HttpResponse<byte[]> r) {
        assertThat(r.statusCode())
                .as(r.request().method() + " " + r.uri().getPath() + ": " + body(r))
                .isEqualTo(status);
        return r;
    }

    /** The body as text, cut short (a media answer is not worth printing). */
    private static String body(HttpResponse<byte[]> r) {
        String type = r.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("application/json") && !type.startsWith("text/") && !type.contains("mpegurl")) {
            return "(" + r.body().length + " bytes of " + type + ")";
        }
        String text = new String(r.body(), StandardCharsets.UTF_8);
        return text.length() > 2000 ? text.substring(0, 2000) + "…" : text;
    }
}
