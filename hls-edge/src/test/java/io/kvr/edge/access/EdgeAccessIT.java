package io.kvr.edge.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.kvr.edge.Edge;
import io.kvr.edge.EdgeConfig;
import io.kvr.embedded.s3.EmbeddedS3;
import io.kvr.http.HttpService;
import io.kvr.http.Router;
import io.kvr.http.access.AccessControl;
import io.kvr.http.access.Grant;
import io.kvr.http.access.SignedToken;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.storage.ObjectStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Access control and CORS through real HTTP against the edge, with segments in a real (embedded) S3:
 * signed tokens, HS256 and RS256 JWTs — valid, expired, for another stream, tampered → 200/403/403/403; no
 * credential → 401; tokens carried from playlists to segment URLs that then play; time-range grants; CORS.
 */
class EdgeAccessIT {
    private static final String TOKEN_SECRET = "token-secret-0123456789-abcdefghijklmnop";
    private static final String HS256_SECRET = "jwt-hs256-secret-0123456789-abcdefghijkl";
    private static final String ORIGIN = "https://player.example";

    @TempDir
    static Path dir;

    private static EmbeddedS3 s3;
    private static HttpService server;
    private static RecordedStreams streams;
    private static KeyPair rsa;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final SignedToken tokens = new SignedToken(TOKEN_SECRET);

    @BeforeAll
    static void start() throws Exception {
        s3 = EmbeddedS3.start(EmbeddedS3.Config.of(dir.resolve("s3"), "kvr", "kvr-test-secret")
                .withPort(0));
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        rsa = gen.generateKeyPair();
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(rsa.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        Settings settings = Settings.of(Map.ofEntries(
                Map.entry("s3.endpoint", s3.endpoint()),
                Map.entry("s3.access.key", s3.accessKey()),
                Map.entry("s3.secret.key", s3.secretKey()),
                Map.entry("http.port", "0"),
                Map.entry("access.required", "true"),
                Map.entry("access.token.secret", TOKEN_SECRET),
                Map.entry("access.jwt.hs256.secret", HS256_SECRET),
                Map.entry("access.jwt.rs256.public.key", pem),
                Map.entry("edge.cors.origins", ORIGIN + ", https://other.example")));
        EdgeConfig config = EdgeConfig.from(settings);
        ObjectStore store = new ObjectStore(config.s3());
        store.ensureBucket();
        streams = new RecordedStreams(store);
        server = HttpService.start(
                "127.0.0.1", 0, new Router(new AccessControl(config.access())).include(new Edge(config, streams)));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    // ---- credentials ----

    private static long in(long seconds) {
        return System.currentTimeMillis() / 1000 + seconds;
    }

    /** A credential of {@code kind} (token, hs256, rs256) for {@code stream} expiring at {@code exp}. */
    private static String credential(String kind, String stream, long exp, Long start, Long end) throws Exception {
        return switch (kind) {
            case "token" -> tokens.mint(new Grant(stream, exp, start, end));
            case "hs256" -> jwt(JWSAlgorithm.HS256, stream, exp, start, end);
            case "rs256" -> jwt(JWSAlgorithm.RS256, stream, exp, start, end);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static String jwt(JWSAlgorithm alg, String stream, long exp, Long start, Long end) throws Exception {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject("viewer")
                .claim("stream", stream)
                .expirationTime(new Date(exp * 1000));
        if (start != null) {
            claims.claim("start_time", start).claim("end_time", end);
        }
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).build(), claims.build());
        jwt.sign(
                alg == JWSAlgorithm.HS256
                        ? new MACSigner(HS256_SECRET.getBytes(StandardCharsets.UTF_8))
                        : new RSASSASigner((RSAPrivateKey) rsa.getPrivate()));
        return jwt.serialize();
    }

    /** The credential with its grant replaced by one for {@code live/other}, signature kept. */
    private static String tampered(String kind, String credential) throws Exception {
        String[] parts = credential.split("\\.");
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        if (kind.equals("token")) {
            String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            String forged = payload.replace("live/cam", "live/other");
            return parts[0] + "." + b64.encodeToString(forged.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        }
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String forged = claims.replace("live/cam", "live/other");
        return parts[0] + "." + b64.encodeToString(forged.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }

    private static String credentialFor(String kind, String which) throws Exception {
        return switch (which) {
            case "valid" -> credential(kind, "live/cam", in(3600), null, null);
            case "expired" -> credential(kind, "live/cam", in(-3600), null, null);
            case "wrong-stream" -> credential(kind, "live/other", in(3600), null, null);
            case "tampered" -> tampered(kind, credential(kind, "live/cam", in(3600), null, null));
            default -> throw new IllegalArgumentException(which);
        };
    }

    // ---- HTTP ----

    private static HttpResponse<byte[]> get(String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + pathAndQuery))
                .GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String body(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0} {1} as {2} -> {3}")
    @CsvSource({
        "token, valid,        query,  200",
        "token, expired,      query,  403",
        "token, wrong-stream, query,  403",
        "token, tampered,     query,  403",
        "token, valid,        bearer, 200",
        "hs256, valid,        bearer, 200",
        "hs256, expired,      bearer, 403",
        "hs256, wrong-stream, bearer, 403",
        "hs256, tampered,     bearer, 403",
        "hs256, valid,        query,  200",
        "rs256, valid,        bearer, 200",
        "rs256, expired,      bearer, 403",
        "rs256, wrong-stream, bearer, 403",
        "rs256, tampered,     bearer, 403",
        "rs256, tampered,     query,  403",
    })
    void tokensAreCheckedOnPlaylistsAndSegments(String kind, String which, String carrier, int status)
            throws Exception {
        String credential = credentialFor(kind, which);
        for (String path : List.of(
                "/live/cam/index.m3u8",
                "/live/cam/master.m3u8",
                "/live/cam/playlist.m3u8?start_time=" + RecordedStreams.T0 + "&duration=6000",
                "/live/cam/2023/11/14/22/s-0000000000.m4s",
                "/live/cam/init/s-abc.mp4",
                "/v1/streams/live/cam/recordings?start_time=" + RecordedStreams.T0 + "&duration=60000")) {
            HttpResponse<byte[]> r = carrier.equals("query")
                    ? get(path + (path.contains("?") ? "&" : "?") + "token=" + credential)
                    : get(path, "Authorization", "Bearer " + credential);
            assertThat(r.statusCode()).as(path + ": " + body(r)).isEqualTo(status);
            if (status != 200) {
                assertThat(body(r)).as(path).contains("\"error\"");
            }
        }
    }

    @Test
    void withoutACredentialViewerUrlsAre401WithAChallenge() throws Exception {
        for (String path : List.of("/live/cam/index.m3u8", "/live/cam/2023/11/14/22/s-0000000000.m4s", "/v1/streams")) {
            HttpResponse<byte[]> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"kvr\"");
            assertThat(body(r)).contains("token is required");
        }
        assertThat(get("/live/cam/index.m3u8?token=garbage").statusCode()).isEqualTo(403);
        assertThat(get("/live/cam/index.m3u8", "Authorization", "Bearer k1.x.y").statusCode())
                .isEqualTo(403);
        assertThat(get("/").statusCode()).as("the viewer page is a viewer's").isEqualTo(401);
        HttpResponse<byte[]> page = get("/?token=" + credential("token", "live/cam", in(3600), null, null));
        assertThat(page.statusCode()).as("opened as /?token=…").isEqualTo(200);
        assertThat(body(page)).contains("withToken('/v1/streams')");
        assertThat(get("/assets/hls.min.js").statusCode())
                .as("its script carries no data and is public")
                .isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"token", "hs256", "rs256"})
    void aPlaylistCarriesTheTokenOnToSegmentsThatThenPlay(String kind) throws Exception {
        String token = credential(kind, "live/cam", in(3600), null, null);
        for (String playlist : List.of(
                "index.m3u8",
                "index.m3u8?dvr=1",
                "playlist.m3u8?start_time=" + RecordedStreams.T0 + "&end_time=" + (RecordedStreams.T0 + 20_000))) {
            HttpResponse<byte[]> r =
                    get("/live/cam/" + playlist + (playlist.contains("?") ? "&" : "?") + "token=" + token);
            assertThat(r.statusCode()).as(playlist).isEqualTo(200);
            List<String> uris = body(r).lines().filter(l -> !l.startsWith("#")).toList();
            assertThat(uris).isNotEmpty().allSatisfy(u -> assertThat(u).endsWith("?token=" + token));
            String map = body(r).lines()
                    .filter(l -> l.startsWith("#EXT-X-MAP:URI="))
                    .findFirst()
                    .orElseThrow();
            assertThat(map).isEqualTo("#EXT-X-MAP:URI=\"init/s-abc.mp4?token=" + token + "\"");
            for (String uri : uris) {
                HttpResponse<byte[]> segment = get("/live/cam/" + uri);
                assertThat(segment.statusCode()).as(uri).isEqualTo(200);
                assertThat(segment.body()).isEqualTo(streams.object("live/cam/" + uri.substring(0, uri.indexOf('?'))));
            }
            HttpResponse<byte[]> init = get("/live/cam/" + map.substring(16, map.length() - 1));
            assertThat(init.body()).isEqualTo(streams.object("live/cam/init/s-abc.mp4"));
        }
        HttpResponse<byte[]> master = get("/live/cam/master.m3u8?token=" + token);
        assertThat(body(master).lines().filter(l -> !l.startsWith("#"))).containsExactly("index.m3u8?token=" + token);
        HttpResponse<byte[]> list = get("/v1/streams?token=" + token);
        assertThat(body(list))
                .contains("\"live_url\":\"/live/cam/index.m3u8?token=" + token + "\"")
                .doesNotContain("live/other");
    }

    @Test
    void aBearerJwtIsNotCopiedIntoPlaylists() throws Exception {
        String jwt = credential("hs256", "live/cam", in(3600), null, null);
        HttpResponse<byte[]> r = get("/live/cam/index.m3u8", "Authorization", "Bearer " + jwt);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(body(r)).doesNotContain("token=").doesNotContain(jwt);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("private, max-age=1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"token", "hs256", "rs256"})
    void aTimeRangeGrantOpensThatRangeOnly(String kind) throws Exception {
        long t0 = RecordedStreams.T0;
        String token = credential(kind, "live/*", in(3600), t0, t0 + 10_000);
        assertThat(get("/live/cam/playlist.m3u8?start_time=" + t0 + "&end_time=" + (t0 + 10_000) + "&token=" + token)
                        .statusCode())
                .isEqualTo(200);
        assertThat(get("/live/other/playlist.m3u8?start_time=" + (t0 + 2000) + "&duration=4000&token=" + token)
                        .statusCode())
                .as("app/* covers every stream of the app")
                .isEqualTo(200);
        HttpResponse<byte[]> outside =
                get("/live/cam/playlist.m3u8?start_time=" + t0 + "&end_time=" + (t0 + 12_000) + "&token=" + token);
        assertThat(outside.statusCode()).isEqualTo(403);
        assertThat(body(outside)).contains("token grants");
        assertThat(get("/live/cam/index.m3u8?token=" + token).statusCode())
                .as("live needs an unlimited grant")
                .isEqualTo(403);
        assertThat(get("/live/cam/recordings?token=" + token).statusCode()).isEqualTo(404);
        HttpResponse<byte[]> recordings = get("/v1/streams/live/cam/recordings?token=" + token);
        assertThat(recordings.statusCode()).isEqualTo(200);
        assertThat(body(recordings)).contains("\"start_time\":" + t0, "\"end_time\":" + (t0 + 10_000));
        assertThat(get("/live/cam/2023/11/14/22/s-0000000000.m4s?token=" + token)
                        .statusCode())
                .isEqualTo(200);
        assertThat(get("/live/cam/2023/11/15/03/s-0000000000.m4s?token=" + token)
                        .statusCode())
                .as("a segment hours away from the grant")
                .isEqualTo(403);
        assertThat(get("/other/cam/index.m3u8?token=" + token).statusCode()).isEqualTo(403);
    }

    // ---- CORS ----

    @Test
    void allowedOriginsGetCorsHeadersOnAnswersAndErrors() throws Exception {
        String token = credential("token", "live/cam", in(3600), null, null);
        HttpResponse<byte[]> ok = get("/live/cam/index.m3u8?token=" + token, "Origin", ORIGIN);
        assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
        assertThat(ok.headers().firstValue("Vary")).hasValue("Origin");
        HttpResponse<byte[]> segment =
                get("/live/cam/2023/11/14/22/s-0000000000.m4s?token=" + token, "Origin", ORIGIN, "Range", "bytes=0-99");
        assertThat(segment.statusCode()).isEqualTo(206);
        assertThat(segment.headers().firstValue("Access-Control-Expose-Headers").orElse(""))
                .contains("Content-Range");
        HttpResponse<byte[]> denied = get("/live/other/index.m3u8?token=" + token, "Origin", ORIGIN);
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.headers().firstValue("Access-Control-Allow-Origin"))
                .as("so the page can read the reason")
                .hasValue(ORIGIN);
        HttpResponse<byte[]> foreign = get("/live/cam/index.m3u8?token=" + token, "Origin", "https://evil.example");
        assertThat(foreign.statusCode()).isEqualTo(200);
        assertThat(foreign.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void preflightsAreAnsweredForAllowedOriginsOnly() throws Exception {
        HttpResponse<byte[]> ok = options("/live/cam/2023/11/14/22/s-0000000000.m4s", ORIGIN);
        assertThat(ok.statusCode()).isEqualTo(204);
        assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
        assertThat(ok.headers().firstValue("Access-Control-Allow-Methods").orElse(""))
                .contains("GET");
        assertThat(ok.headers().firstValue("Access-Control-Allow-Headers").orElse(""))
                .contains("Authorization", "Range");
        assertThat(options("/live/cam/index.m3u8", "https://other.example").statusCode())
                .isEqualTo(204);
        HttpResponse<byte[]> foreign = options("/live/cam/index.m3u8", "https://evil.example");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    private static HttpResponse<byte[]> options(String path, String origin) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .header("Origin", origin)
                        .header("Access-Control-Request-Method", "GET")
                        .header("Access-Control-Request-Headers", "authorization,range")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
