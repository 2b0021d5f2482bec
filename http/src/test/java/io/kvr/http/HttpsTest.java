package io.kvr.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.http.access.AccessControl;
import io.kvr.http.access.Role;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS with a self-signed certificate: HTTP/1.1 and HTTP/2 (chosen by ALPN) reach the same routes, bodies in
 * memory and streamed bodies arrive whole over both, and the refusals of the head checks hold for HTTP/2 streams.
 */
class HttpsTest {
    private static final byte[] BIG = new byte[3 * 1024 * 1024 + 17];

    @TempDir
    static Path dir;

    static HttpService server;
    static SSLContext trusting;

    @BeforeAll
    static void start() throws Exception {
        Arrays.fill(BIG, (byte) 'x');
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process p = new ProcessBuilder(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "rsa:2048",
                        "-nodes",
                        "-subj",
                        "/CN=127.0.0.1",
                        "-addext",
                        "subjectAltName=IP:127.0.0.1,DNS:localhost",
                        "-days",
                        "2",
                        "-keyout",
                        key.toString(),
                        "-out",
                        cert.toString())
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0)
                .as("openssl made a certificate")
                .isTrue();
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            store.setCertificateEntry(
                    "test", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        trusting = SSLContext.getInstance("TLS");
        trusting.init(null, tmf.getTrustManagers(), null);

        Router router = new Router(AccessControl.open())
                .get("/hello", Role.PUBLIC, req -> Response.text(200, "text/plain", "hello"))
                .get("/big", Role.PUBLIC, req -> Response.bytes(200, "application/octet-stream", BIG))
                .get(
                        "/streamed",
                        Role.PUBLIC,
                        req -> Response.stream(200, "application/octet-stream", BIG.length, out -> out.write(BIG)))
                .get(
                        "/chunked",
                        Role.PUBLIC,
                        req -> Response.chunked(200, "application/octet-stream", out -> out.write(BIG)))
                .post("/echo", Role.PUBLIC, req -> Response.bytes(200, "application/octet-stream", req.body()));
        server = HttpService.start(HttpSettings.of("127.0.0.1", 0).withTls(cert, key), router);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void http1AndHttp2ServeTheSameRoutes() throws Exception {
        assertThat(server.baseUrl()).startsWith("https://");
        for (HttpClient.Version version : HttpClient.Version.values()) {
            HttpClient client = HttpClient.newBuilder()
                    .sslContext(trusting)
                    .version(version)
                    .build();
            HttpResponse<String> hello = client.send(get("/hello"), HttpResponse.BodyHandlers.ofString());
            assertThat(hello.statusCode()).isEqualTo(200);
            assertThat(hello.body()).isEqualTo("hello");
            assertThat(hello.version()).as("negotiated").isEqualTo(version);
            for (String path : new String[] {"/big", "/streamed", "/chunked"}) {
                HttpResponse<byte[]> big = client.send(get(path), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(big.statusCode()).as(path).isEqualTo(200);
                assertThat(big.body()).as(path + " over " + version).isEqualTo(BIG);
            }
            HttpResponse<String> echo = client.send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/echo"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(echo.body()).isEqualTo("{\"a\":1}");
            HttpResponse<String> missing = client.send(get("/nope"), HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).contains("\"error\"");
        }
    }

    @Test
    void http2StreamsMeetTheSameLimits() throws Exception {
        HttpClient h2 = HttpClient.newBuilder()
                .sslContext(trusting)
                .version(HttpClient.Version.HTTP_2)
                .build();
        HttpResponse<String> tooBig = h2.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/echo"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[2 * 1024 * 1024]))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(tooBig.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(tooBig.body()).contains("\"status\":413");
        // the connection serves other streams after one was refused
        assertThat(h2.send(get("/hello"), HttpResponse.BodyHandlers.ofString()).body())
                .isEqualTo("hello");
        HttpResponse<String> misdirected = h2.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/hello"))
                        .header("X-Test", "a")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(misdirected.body()).isEqualTo("hello");
        assertThat(new String(BIG, 0, 1, StandardCharsets.US_ASCII)).isEqualTo("x");
    }

    private static HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).build();
    }
}
