package io.kvr.edge.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.edge.Edge;
import io.kvr.edge.EdgeConfig;
import io.kvr.embedded.s3.EmbeddedS3;
import io.kvr.http.HttpService;
import io.kvr.http.Router;
import io.kvr.http.access.AccessControl;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.storage.ObjectStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code edge.segments.delivery=redirect}: segments are a 302 to a presigned S3 URL that yields the same bytes. */
class SegmentRedirectIT {
    private static final String SEGMENT = "live/cam/2023/11/14/22/s-0000000050.m4s";

    @TempDir
    static Path dir;

    private static EmbeddedS3 s3;
    private static HttpService server;
    private static RecordedStreams streams;

    @BeforeAll
    static void start() {
        s3 = EmbeddedS3.start(EmbeddedS3.Config.of(dir.resolve("s3"), "kvr", "kvr-test-secret")
                .withPort(0));
        EdgeConfig config = EdgeConfig.from(Settings.of(Map.of(
                "s3.endpoint",
                s3.endpoint(),
                "s3.access.key",
                s3.accessKey(),
                "s3.secret.key",
                s3.secretKey(),
                "http.port",
                "0",
                "edge.segments.delivery",
                "redirect",
                "edge.segments.redirect.expiry",
                "5m")));
        ObjectStore store = new ObjectStore(config.s3());
        store.ensureBucket();
        streams = new RecordedStreams(store);
        server = HttpService.start("127.0.0.1", 0, new Router(AccessControl.open()).include(new Edge(config, streams)));
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

    @Test
    void segmentsAndInitRedirectToPresignedUrls() throws Exception {
        HttpClient noFollow = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        for (String key : new String[] {SEGMENT, "live/cam/init/s-abc.mp4"}) {
            HttpResponse<byte[]> r = noFollow.send(request("/" + key).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(302);
            String location = r.headers().firstValue("Location").orElseThrow();
            assertThat(location)
                    .startsWith(s3.endpoint())
                    .contains("/kvr/" + key + "?")
                    .contains("X-Amz-Signature=")
                    .contains("X-Amz-Expires=300");
            assertThat(r.headers().firstValue("Cache-Control")).hasValue("public, max-age=150");
        }
    }

    @Test
    void aClientFollowingTheRedirectGetsTheSameBytes() throws Exception {
        HttpClient follow = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        byte[] expected = streams.object(SEGMENT);
        HttpResponse<byte[]> whole =
                follow.send(request("/" + SEGMENT).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(expected);
        // a player's byte range goes to the presigned URL with the redirected request
        HttpResponse<byte[]> part = follow.send(
                request("/" + SEGMENT).header("Range", "bytes=100-1099").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(expected, 100, 1100));
    }

    @Test
    void playlistsStillComeFromTheEdge() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(request("/live/cam/index.m3u8").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("#EXT-X-MAP:URI=\"init/s-abc.mp4\"");
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).GET();
    }
}
