package io.kvr.launcher;

import static io.kvr.launcher.KvrPipelineIT.segments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvr.testsupport.FFmpegTools;
import io.kvr.testsupport.HlsJsPlayer;
import io.kvr.testsupport.HlsJsPlayer.Playback;
import io.kvr.testsupport.HlsJsPlayer.Session;
import io.kvr.testsupport.SelfSignedCertificate;
import io.kvr.testsupport.TestCamera;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge over HTTPS ({@code ./kvr run --tls-cert F --tls-key F}) with a self-signed certificate: FFmpeg reads
 * the live playlist and its segments, hls.js in Chromium plays it, plain HTTP to the TLS port gets a clean close,
 * and a certificate replaced on disk is served to the next connection without a restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HttpsPlaybackIT {
    private static final String STREAM = "tls/cam";

    @TempDir
    static Path data;

    @TempDir
    static Path certs;

    static SelfSignedCertificate certificate;
    static HlsJsPlayer player;
    static TestCamera camera;
    static KvrServer kvr;
    static HttpClient https;

    @BeforeAll
    static void start() {
        player = HlsJsPlayer.find();
        certificate = SelfSignedCertificate.write(certs, "edge");
        https = HttpClient.newBuilder()
                .sslContext(certificate.trustingIt())
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        camera = TestCamera.start();
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
                    "--tls-cert",
                    certificate.cert().toString(),
                    "--tls-key",
                    certificate.key().toString()
                }),
                Map.of(STREAM, camera.url(TestCamera.H264_AAC)));
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

    private static String live() {
        return kvr.baseUrl() + "/" + STREAM + "/index.m3u8";
    }

    private static String body(String url) throws Exception {
        HttpResponse<String> r = https.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? r.body() : "";
    }

    @Test
    @Order(1)
    void ffmpegAndHlsJsPlayOverHttps() throws Exception {
        assertThat(kvr.baseUrl()).startsWith("https://");
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> segments(body(live())).size() >= 3);

        var decode = FFmpegTools.decode(Duration.ofSeconds(60), live(), "-t", "3");
        assertThat(decode.exitCode()).as(decode.describe()).isZero();

        Playback p =
                player.play(Session.of(live()).trustAnyCertificate().watch(5).timeout(Duration.ofSeconds(90)));
        assertThat(p.fatal()).as("fatal hls.js error: %s", p).isEmpty();
        assertThat(p.playing()).as("playing: %s", p).isTrue();
        assertThat(p.advanced()).as("currentTime advanced: %s", p).isGreaterThan(1.0);
    }

    @Test
    @Order(2)
    void plainHttpToTheTlsPortIsClosedWithoutAnAnswer() throws Exception {
        try (Socket s = new Socket("127.0.0.1", kvr.httpPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] answer;
            try {
                answer = in.readAllBytes();
            } catch (java.net.SocketException reset) {
                answer = new byte[0];
            }
            assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("HTTP/1.1 200");
        }
    }

    @Test
    @Order(3) // last: the clients above trust the first certificate only
    void aRenewedCertificateIsServedWithoutARestart() throws Exception {
        BigInteger before = servedSerial();
        assertThat(before).isEqualTo(certificate.certificate().getSerialNumber());
        SelfSignedCertificate renewed = SelfSignedCertificate.write(certs, "edge");
        BigInteger after = renewed.certificate().getSerialNumber();
        assertThat(after).isNotEqualTo(before);
        // checked at most once a second, as connections arrive
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(300))
                .until(HttpsPlaybackIT::servedSerial, after::equals);
        HttpResponse<String> health = HttpClient.newBuilder()
                .sslContext(renewed.trustingIt())
                .build()
                .send(
                        HttpRequest.newBuilder(URI.create(kvr.baseUrl() + "/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }

    /** The serial number of the certificate the server presents to a new connection (trusting anything). */
    private static BigInteger servedSerial() throws Exception {
        javax.net.ssl.SSLContext any = javax.net.ssl.SSLContext.getInstance("TLS");
        any.init(
                null,
                new javax.net.ssl.TrustManager[] {
                    new javax.net.ssl.X509TrustManager() {
                        @Override
                        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public X509Certificate[] getAcceptedIssuers() {
                            return new X509Certificate[0];
                        }
                    }
                },
                null);
        try (SSLSocket s = (SSLSocket) any.getSocketFactory().createSocket("127.0.0.1", kvr.httpPort())) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }
}
