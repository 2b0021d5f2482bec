package io.kvr.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.embedded.s3.EmbeddedS3;
import io.kvr.http.HttpService;
import io.kvr.http.Router;
import io.kvr.http.access.AccessControl;
import io.kvr.http.access.Role;
import io.kvr.runtime.config.S3Settings;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.storage.ObjectStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proxied objects through real HTTP from a real (embedded) S3, small ones (kept in {@link RecentObjects} after the
 * first request) and large ones (streamed every time): the same bytes, ETag and ranges either way.
 */
class ObjectProxyIT {
    /** Keeps objects up to 128 KiB. */
    private static final long CACHE_BYTES = 1 << 20;

    @TempDir
    static Path dir;

    private static EmbeddedS3 s3;
    private static HttpService server;
    private static RecentObjects recent;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final Map<String, byte[]> objects =
            Map.of("small.m4s", random(100_000, 1), "large.m4s", random(300_000, 2));

    @BeforeAll
    static void start() {
        s3 = EmbeddedS3.start(EmbeddedS3.Config.of(dir.resolve("s3"), "kvr", "kvr-test-secret")
                .withPort(0));
        S3Settings settings = S3Settings.from(Settings.of(Map.of(
                "s3.endpoint", s3.endpoint(), "s3.access.key", s3.accessKey(), "s3.secret.key", s3.secretKey())));
        ObjectStore store = new ObjectStore(settings);
        store.ensureBucket();
        objects.forEach((key, bytes) -> store.put(key, bytes, "video/iso.segment"));
        recent = new RecentObjects(CACHE_BYTES);
        ObjectProxy proxy = new ObjectProxy(store, recent);
        server = HttpService.start(
                "127.0.0.1",
                0,
                new Router(AccessControl.open())
                        .get(
                                "/{key*}",
                                Role.PUBLIC,
                                req -> proxy.serve(
                                        req.param("key"), req.header("Range").orElse(null))));
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

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static HttpResponse<byte[]> get(String key, String range) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/" + key));
        if (range != null) {
            b.header("Range", range);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @ParameterizedTest
    @ValueSource(strings = {"small.m4s", "large.m4s"})
    void wholeObjectsAndRangesAreTheStoredBytesFirstAndAgain(String key) throws Exception {
        byte[] expected = objects.get(key);
        String etag = null;
        for (int round = 0; round < 2; round++) {
            HttpResponse<byte[]> whole = get(key, null);
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(whole.body()).isEqualTo(expected);
            assertThat(whole.headers().firstValue("Accept-Ranges")).hasValue("bytes");
            assertThat(whole.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
            assertThat(whole.headers().firstValue("ETag")).isPresent();
            if (etag != null) {
                assertThat(whole.headers().firstValue("ETag")).hasValue(etag);
            }
            etag = whole.headers().firstValue("ETag").orElseThrow();

            HttpResponse<byte[]> part = get(key, "bytes=100-1099");
            assertThat(part.statusCode()).isEqualTo(206);
            assertThat(part.body()).isEqualTo(Arrays.copyOfRange(expected, 100, 1100));
            assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 100-1099/" + expected.length);
            assertThat(part.headers().firstValue("ETag")).hasValue(etag);

            HttpResponse<byte[]> tail = get(key, "bytes=-10");
            assertThat(tail.statusCode()).isEqualTo(206);
            assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(expected, expected.length - 10, expected.length));

            HttpResponse<byte[]> beyond = get(key, "bytes=" + expected.length + "-");
            assertThat(beyond.statusCode()).isEqualTo(416);
            assertThat(beyond.headers().firstValue("Content-Range")).hasValue("bytes */" + expected.length);
        }
        // the small object is kept, the large one (over an eighth of the cache) is not
        assertThat(recent.get(key) != null).isEqualTo(key.equals("small.m4s"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "bytes=0-9"})
    void aMissingObjectIs404(String range) throws Exception {
        assertThat(get("missing.m4s", range.isEmpty() ? null : range).statusCode())
                .isEqualTo(404);
        assertThat(recent.get("missing.m4s")).isNull();
    }
}
