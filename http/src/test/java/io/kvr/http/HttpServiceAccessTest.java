package io.kvr.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.http.access.AccessControl;
import io.kvr.http.access.AccessSettings;
import io.kvr.http.access.Grant;
import io.kvr.http.access.Role;
import io.kvr.http.access.SignedToken;
import io.kvr.runtime.config.Settings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The access check and the JSON rule of {@link HttpService}'s dispatch, through a real server. */
class HttpServiceAccessTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final SignedToken TOKENS = new SignedToken(SECRET);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Router router;
    private static HttpService server;

    @BeforeAll
    static void start() {
        AccessControl access = new AccessControl(
                AccessSettings.from(Settings.of(Map.of("access.required", "true", "access.token.secret", SECRET))));
        router = new Router(access)
                .get("/health", Role.PUBLIC, req -> HttpService.json(200, Map.of("status", "UP")))
                .get("/v/{app}/{stream}", Role.VIEWER, req -> {
                    var a = req.access().requireStream(req.param("app") + "/" + req.param("stream"));
                    return HttpService.json(200, Map.of("role", a.role().wireName(), "carry", a.uriSuffix()));
                })
                .post("/jobs", Role.OPERATOR, req -> Response.bytes(200, "application/json", req.body()))
                .put("/things/{id}", Role.ADMIN, req -> Response.bytes(200, "application/json", req.body()))
                .delete("/things/{id}", Role.ADMIN, req -> Response.empty(204))
                .add("GET", "/cors", Role.VIEWER, new Cors(List.of("*")), req -> Response.empty(204));
        server = HttpService.start("127.0.0.1", 0, router);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String token(Role role, String stream) {
        return TOKENS.mint(new Grant(stream, System.currentTimeMillis() / 1000 + 600, null, null, role));
    }

    private static HttpResponse<String> send(String method, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String bearer(String credential) {
        return "Bearer " + credential;
    }

    @Test
    void publicRoutesNeedNothingAndOthersAChallengeableCredential() throws Exception {
        assertThat(send("GET", "/health", null).statusCode()).isEqualTo(200);
        HttpResponse<String> none = send("GET", "/v/live/cam", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"kvr\"");
        assertThat(none.body()).contains("\"error\"").contains("token is required");
        assertThat(send("HEAD", "/v/live/cam", null).statusCode())
                .as("HEAD needs what GET needs")
                .isEqualTo(401);
        HttpResponse<String> forged = send("GET", "/v/live/cam?token=k1.abc.def", null);
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.headers().firstValue("WWW-Authenticate")).isEmpty();
    }

    @Test
    void theHandlerSeesTheCheckedAccessAndChecksTheStream() throws Exception {
        String viewer = token(Role.VIEWER, "live/cam");
        HttpResponse<String> ok = send("GET", "/v/live/cam?token=" + viewer, null);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"role\":\"viewer\"").contains("\"carry\":\"?token=" + viewer + "\"");
        HttpResponse<String> byHeader = send("GET", "/v/live/cam", null, "Authorization", bearer(viewer));
        assertThat(byHeader.body()).contains("\"carry\":\"\"");
        HttpResponse<String> other = send("GET", "/v/live/other?token=" + viewer, null);
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.body()).contains("not live/other");
    }

    @Test
    void rolesBelowTheRoutesAreRefused() throws Exception {
        String json = "{\"a\":1}";
        String[] type = {"Content-Type", "application/json"};
        assertThat(send("POST", "/jobs", json, "Authorization", bearer(token(Role.VIEWER, "*")), type[0], type[1])
                        .statusCode())
                .isEqualTo(403);
        assertThat(send("POST", "/jobs", json, "Authorization", bearer(token(Role.OPERATOR, "*")), type[0], type[1])
                        .body())
                .isEqualTo(json);
        assertThat(send("PUT", "/things/1", json, "Authorization", bearer(token(Role.OPERATOR, "*")), type[0], type[1])
                        .statusCode())
                .isEqualTo(403);
        assertThat(send("PUT", "/things/1", json, "Authorization", bearer(token(Role.ADMIN, "*")), type[0], type[1])
                        .statusCode())
                .isEqualTo(200);
        assertThat(send("DELETE", "/things/1", null, "Authorization", bearer(token(Role.OPERATOR, "*")))
                        .statusCode())
                .isEqualTo(403);
        assertThat(send("DELETE", "/things/1", null, "Authorization", bearer(token(Role.ADMIN, "*")))
                        .statusCode())
                .as("DELETE needs no body and no content type")
                .isEqualTo(204);
    }

    @Test
    void writesMustBeJson() throws Exception {
        String operator = bearer(token(Role.OPERATOR, "*"));
        for (String type : List.of(
                "text/plain",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "application/jsonp",
                "")) {
            HttpResponse<String> r = type.isEmpty()
                    ? send("POST", "/jobs", "{}", "Authorization", operator)
                    : send("POST", "/jobs", "{}", "Authorization", operator, "Content-Type", type);
            assertThat(r.statusCode()).as(type).isEqualTo(415);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(r.body()).contains("Content-Type: application/json");
        }
        assertThat(send(
                                "POST",
                                "/jobs",
                                "{}",
                                "Authorization",
                                operator,
                                "Content-Type",
                                "Application/JSON; charset=utf-8")
                        .statusCode())
                .isEqualTo(200);
        assertThat(send(
                                "PUT",
                                "/things/1",
                                "{}",
                                "Authorization",
                                bearer(token(Role.ADMIN, "*")),
                                "Content-Type",
                                "text/plain")
                        .statusCode())
                .isEqualTo(415);
        assertThat(send("POST", "/jobs", "{}", "Content-Type", "text/plain").statusCode())
                .as("who is asking comes first")
                .isEqualTo(401);
    }

    @Test
    void refusalsOfACorsRouteCarryItsHeaders() throws Exception {
        HttpResponse<String> r = send("GET", "/cors", null, "Origin", "https://player.example");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://player.example");
        assertThat(send("GET", "/v/live/cam", null, "Origin", "https://player.example")
                        .headers()
                        .firstValue("Access-Control-Allow-Origin"))
                .as("a route without CORS")
                .isEmpty();
    }

    @Test
    void everyRouteIsListedWithItsRoleAndNoneGoesWithoutOne() {
        assertThat(router.endpoints())
                .containsExactly(
                        new Router.Endpoint("GET", "/health", Role.PUBLIC),
                        new Router.Endpoint("GET", "/v/{app}/{stream}", Role.VIEWER),
                        new Router.Endpoint("POST", "/jobs", Role.OPERATOR),
                        new Router.Endpoint("PUT", "/things/{id}", Role.ADMIN),
                        new Router.Endpoint("DELETE", "/things/{id}", Role.ADMIN),
                        new Router.Endpoint("GET", "/cors", Role.VIEWER));
        assertThatThrownBy(() -> new Router(AccessControl.open()).get("/x", null, req -> Response.empty(200)))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("GET /x must declare the role");
    }
}
