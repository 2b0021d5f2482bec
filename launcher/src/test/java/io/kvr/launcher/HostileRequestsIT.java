package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kvr.http.access.Grant;
import io.kvr.http.access.Role;
import io.kvr.http.access.SignedToken;
import io.kvr.launcher.RawConnection.Answer;
import io.kvr.launcher.RawConnection.Ending;
import io.kvr.testsupport.JsonValues;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The front door against hostile HTTP. One kvr with access control on gets every row of {@link #table()} —
 * malformed, oversized, smuggling, unauthorised and expensive requests — written raw to a socket, byte for byte.
 * Each row must get its specific 4xx (or 501/505) with a JSON reason, or a clean close; whatever it gets, never a
 * 500 and never a stack trace, and {@code /health} answers 200 on a fresh connection afterwards. Then three load
 * rows: a thousand held request bodies, the connection cap (on a second kvr), and slow clients.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileRequestsIT {
    private static final String SECRET = "hostile-requests-token-secret-0123456789abcdef";
    private static final long IN_AN_HOUR = Instant.now().plusSeconds(3600).getEpochSecond();
    private static final SignedToken TOKENS = new SignedToken(SECRET);

    /** An administrator's credential, for the rows that must get past access control (see {@link #ADMIN_AUTH}). */
    private static final String ADMIN = TOKENS.mint(new Grant("*", IN_AN_HOUR, null, null, Role.ADMIN));
    /** A viewer's genuine token, for another stream than the ones asked for: no route here is open to it. */
    private static final String OTHER_STREAM = TOKENS.mint(new Grant("other/stream", IN_AN_HOUR, null, null));

    private static final String EXPIRED =
            TOKENS.mint(new Grant("*", Instant.now().minusSeconds(7200).getEpochSecond(), null, null));
    /** Well formed, signed with another secret. */
    private static final String FORGED =
            new SignedToken("not-the-secret-of-this-kvr-0123456789abcdef").mint(new Grant("*", IN_AN_HOUR, null, null));

    /** The Host line of every well-behaved request; {@code {port}} becomes the server's port when sent. */
    private static final String H = "Host: 127.0.0.1:{port}\r\n";

    private static final String ADMIN_AUTH = "Authorization: Bearer " + ADMIN + "\r\n";
    private static final String JSON = "Content-Type: application/json\r\n";
    private static final String CAMERA =
            "{\"app\":\"hostile\",\"stream\":\"door\",\"url\":\"rtsp://127.0.0.1:9/door\",\"enabled\":false}";
    private static final String POLICY = "{\"recording\":true}";
    private static final String EXPORT_JOB =
            "{\"app_name\":\"nosuch\",\"stream_name\":\"stream\",\"start_time\":1700000000000,\"duration\":2000}";
    private static final long MIB = 1024 * 1024;

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(8);
    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration BODY_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration SLACK = Duration.ofSeconds(2);
    /** Text that only a leaked stack trace or internal name would put into an answer. */
    private static final List<String> TRACE_MARKERS = List.of("Exception", "\tat ", "java.", "io.netty", "io.kvr");
    /** Text of files a path traversal could reach. */
    private static final List<String> FILE_MARKERS = List.of("root:x:0:0", "<modelVersion>");

    private static final Pattern STATUS_500 = Pattern.compile("HTTP/1\\.[01] 500");

    /** {@code http.connections.max} of the second kvr. */
    private static final int CAP = 200;
    /** How soon after the last surplus connection was opened every one of them must be refused. */
    private static final Duration REFUSAL_TIME = Duration.ofSeconds(5);

    @TempDir
    static Path data;

    @TempDir
    static Path cappedData;

    static KvrServer kvr;
    static int port;
    /**
     * A second kvr with {@code http.connections.max=200} for the connection cap (the cap would refuse the thousand
     * held bodies), and {@code http.body.timeout=3s} for the slow body.
     */
    static CompletableFuture<KvrServer> capped;

    @BeforeAll
    static void start() {
        // both start at once: most of a start is waiting (Kafka's controller, the index), so it overlaps well
        // idle connections fill the cap: they must outlast the row, so a long header deadline there
        capped = CompletableFuture.supplyAsync(() -> KvrServer.start(
                options(
                        cappedData,
                        "http.connections.max=" + CAP,
                        "http.header.timeout=60s",
                        "http.body.timeout=" + BODY_TIMEOUT.toSeconds() + "s"),
                Map.of()));
        // held bodies must outlast the heap measurement: a long body deadline here
        kvr = KvrServer.start(
                options(
                        data,
                        "http.header.timeout=" + HEADER_TIMEOUT.toSeconds() + "s",
                        "http.body.timeout=60s",
                        "http.connections.max=4000"),
                Map.of());
        port = kvr.httpPort();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> health(port) == 200);
    }

    @AfterAll
    static void stop() {
        KvrServer second = capped == null
                ? null
                : capped.handle((server, failure) -> server).join();
        if (second != null) {
            second.close();
        }
        if (kvr != null) {
            kvr.close();
        }
    }

    static KvrOptions options(Path dir, String... settings) {
        List<String> args = new ArrayList<>(List.of(
                "run",
                "--data",
                dir.toString(),
                "--http",
                "127.0.0.1:0",
                "--kafka-port",
                "0",
                "--s3-port",
                "0",
                "access.required=true",
                "access.token.secret=" + SECRET));
        args.addAll(List.of(settings));
        return KvrOptions.parse(args.toArray(String[]::new));
    }

    // ---------------------------------------------------------------------------------------------------------
    // The table

    /** Every row: what goes over the wire, and what must come back. */
    static Stream<Row> table() {
        List<Row> rows = new ArrayList<>();

        // baseline: the table's own requests are well formed where they mean to be
        rows.add(row("GET /health is served", get("/health"), status(200)));
        rows.add(row("Host localhost is allowed", "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n", status(200)));
        rows.add(row("Host [::1] is allowed", "GET /health HTTP/1.1\r\nHost: [::1]\r\n\r\n", status(200)));
        rows.add(row("HTTP/1.0 without Host is accepted", "GET /health HTTP/1.0\r\n\r\n", status(200)));
        rows.add(row("empty lines before the request line are ignored", "\r\n\r\n" + get("/health"), status(200)));
        rows.add(row(
                "three pipelined requests in one write are answered in order",
                get("/health") + "DELETE /health HTTP/1.1\r\n" + H + "\r\n" + "GET /health HTTP/1.1\r\n" + H
                        + "Connection: close\r\n\r\n",
                answers(200, 405, 200)));

        // request line
        rows.add(row("request line of 9 KiB", get("/health?q=" + "a".repeat(9 * 1024)), status(414)));
        rows.add(row("request line of 40 KiB", get("/" + "a".repeat(40 * 1024)), status(414)));
        rows.add(row("version HTTP/1.7", "GET /health HTTP/1.7\r\n" + H + "\r\n", status(505)));
        rows.add(row("version HTTP/2.0", "GET /health HTTP/2.0\r\n" + H + "\r\n", status(505)));
        rows.add(row("version HTTP/3.0", "GET /health HTTP/3.0\r\n" + H + "\r\n", status(505)));
        rows.add(row("version HTTP/0.9", "GET /health HTTP/0.9\r\n" + H + "\r\n", status(505)));
        rows.add(row("version HTTP/x.y", "GET /health HTTP/x.y\r\n" + H + "\r\n", status(400)));
        rows.add(row("version FOO/1.1", "GET /health FOO/1.1\r\n" + H + "\r\n", status(400)));
        rows.add(row("no version", "GET /health\r\n" + H + "\r\n", status(400)));
        rows.add(row("method with a space: G ET", "G ET /health HTTP/1.1\r\n" + H + "\r\n", status(400)));
        rows.add(row("method with a delimiter: GE(T", "GE(T /health HTTP/1.1\r\n" + H + "\r\n", status(400)));
        rows.add(row("unknown method FOO", "FOO /health HTTP/1.1\r\n" + H + "\r\n", status(405, 501)));
        rows.add(row("TRACE", "TRACE /health HTTP/1.1\r\n" + H + "\r\n", status(405, 501)));
        rows.add(row("CONNECT to a path", "CONNECT /health HTTP/1.1\r\n" + H + "\r\n", status(405, 501)));
        rows.add(row(
                "CONNECT to an authority", "CONNECT 127.0.0.1:22 HTTP/1.1\r\n" + H + "\r\n", status(400, 405, 501)));
        rows.add(row("target * with GET", "GET * HTTP/1.1\r\n" + H + ADMIN_AUTH + "\r\n", status(400, 404)));
        rows.add(row(
                "target that is not a path: abc", "GET abc HTTP/1.1\r\n" + H + ADMIN_AUTH + "\r\n", status(400, 404)));
        rows.add(row("target //", "GET // HTTP/1.1\r\n" + H + ADMIN_AUTH + "\r\n", status(400, 404)));
        rows.add(row("OPTIONS *", "OPTIONS * HTTP/1.1\r\n" + H + "\r\n", status(200, 204, 400, 401, 404, 405, 501)));
        rows.add(row(
                "absolute-form target naming another host",
                "GET http://evil.example/health HTTP/1.1\r\n" + H + "\r\n",
                status(400, 421)));
        rows.add(row("NUL in the request target", "GET /hea\0lth HTTP/1.1\r\n" + H + "\r\n", status(400)));
        rows.add(row("DEL in the request target", "GET /hea\u007flth HTTP/1.1\r\n" + H + "\r\n", status(400)));
        rows.add(row("bare CR in the request line", "GET /hea\rlth HTTP/1.1\r\n" + H + "\r\n", status(400)));

        // percent-encoding and paths
        rows.add(row("%zz in the path", get("/%zz", ADMIN_AUTH), status(400)));
        rows.add(row("lone % at the end of the path", get("/health%"), status(400)));
        rows.add(row("%g0 in the query", get("/health?a=%g0"), status(400)));
        rows.add(row("%2 cut short at the end of the query", get("/health?a=%2"), status(400)));
        rows.add(row("%00 in a stream name", get("/hostile/ca%00m/index.m3u8", ADMIN_AUTH), status(400, 404)));
        rows.add(row("%00 in an application of a policy", get("/v1/policies/x%00y", ADMIN_AUTH), status(400, 404)));
        rows.add(row("traversal /../../etc/passwd", get("/../../etc/passwd", ADMIN_AUTH), status(400, 404)));
        rows.add(row(
                "traversal /%2e%2e/%2e%2e/etc/passwd", get("/%2e%2e/%2e%2e/etc/passwd", ADMIN_AUTH), status(400, 404)));
        rows.add(row(
                "traversal below a stream, encoded slashes",
                get("/demo/clock/..%2f..%2fetc%2fpasswd", ADMIN_AUTH),
                status(400, 404)));
        rows.add(row("traversal out of the assets", get("/assets/../../pom.xml", ADMIN_AUTH), status(400, 404)));
        rows.add(row(
                "traversal out of the assets, encoded slashes",
                get("/assets/..%2f..%2fpom.xml", ADMIN_AUTH),
                status(400, 404)));
        rows.add(row(
                "traversal out of the assets, all encoded",
                get("/assets/%2e%2e%2f%2e%2e%2fpom.xml", ADMIN_AUTH),
                status(400, 404)));
        rows.add(
                row("traversal out of the assets, ..;/", get("/assets/..;/..;/pom.xml", ADMIN_AUTH), status(400, 404)));
        rows.add(row(
                "traversal out of the assets, backslashes",
                get("/assets/..%5c..%5cpom.xml", ADMIN_AUTH),
                status(400, 404)));
        rows.add(row(
                "traversal from an init segment to another stream",
                get("/hostile/cam/init/../../other/init/x.mp4", ADMIN_AUTH),
                status(400, 404)));
        rows.add(row(
                "traversal from a media segment, encoded slashes",
                get("/hostile/cam/2023/11/14/22/..%2F..%2Fx.m4s", ADMIN_AUTH),
                status(400, 404)));
        rows.add(row(
                "storage prefix with ..",
                get("/hostile/cam/2023/11/14/22/s-0000000000.m4s?prefix=../other", ADMIN_AUTH),
                status(400)));
        rows.add(row(
                "storage prefix with %00",
                get("/hostile/cam/2023/11/14/22/s-0000000000.m4s?prefix=a%00b", ADMIN_AUTH), status(400)));
        rows.add(row("backslash in a stream name", get("/hostile/a%5Cb/index.m3u8", ADMIN_AUTH), status(400, 404)));
        rows.add(row(
                "application .. in the recordings listing",
                get("/v1/streams/../cam/recordings", ADMIN_AUTH),
                status(400, 404)));
        rows.add(row(
                "application name of 70 characters",
                get("/" + "a".repeat(70) + "/cam/index.m3u8", ADMIN_AUTH),
                status(400, 404)));
        for (int c : controlCharacters()) {
            rows.add(row(
                    String.format("raw control character 0x%02x in the request target", c),
                    "GET /hostile/c" + (char) c + "am/index.m3u8 HTTP/1.1\r\n" + H + ADMIN_AUTH + "\r\n",
                    status(400)));
        }
        for (int c : controlCharacters()) {
            rows.add(row(
                    String.format("encoded control character %%%02X in a stream name", c),
                    get(String.format("/hostile/c%%%02Xam/index.m3u8", c), ADMIN_AUTH),
                    status(400, 404)));
        }

        // header lines
        rows.add(row("space between a header name and the colon", get("/health", "X-Test : 1\r\n"), status(400)));
        rows.add(row("tab between a header name and the colon", get("/health", "X-Test\t: 1\r\n"), status(400)));
        rows.add(row("header line without a colon", get("/health", "X-Test 1\r\n"), status(400)));
        rows.add(row("header with an empty name", get("/health", ": 1\r\n"), status(400)));
        rows.add(row("obs-fold: a line starting with a space", get("/health", "X-Test: a\r\n b\r\n"), status(400)));
        rows.add(row("obs-fold: a line starting with a tab", get("/health", "X-Test: a\r\n\tb\r\n"), status(400)));
        rows.add(row("NUL in a header value", get("/health", "X-Test: a\0b\r\n"), status(400)));
        rows.add(row("DEL in a header value", get("/health", "X-Test: a\u007fb\r\n"), status(400)));
        rows.add(row("bare CR in a header value", get("/health", "X-Test: a\rb\r\n"), status(400)));
        rows.add(row("NUL in a header name", get("/health", "X-Te\0st: 1\r\n"), status(400)));
        rows.add(row("non-ASCII byte in a header name", get("/health", "X-T\u00e9st: 1\r\n"), status(400)));
        rows.add(row(
                "header section of 70 KiB",
                get(
                        "/health",
                        IntStream.range(0, 35)
                                .mapToObj(i -> "X-Pad-" + i + ": " + "a".repeat(2048) + "\r\n")
                                .collect(Collectors.joining())),
                status(431)));
        rows.add(row(
                "one header line of 70 KiB", get("/health", "X-Pad: " + "a".repeat(70 * 1024) + "\r\n"), status(431)));
        rows.add(row(
                "201 header lines",
                get(
                        "/health",
                        IntStream.range(0, 201)
                                .mapToObj(i -> "X-Line-" + i + ": 1\r\n")
                                .collect(Collectors.joining())),
                status(431)));
        rows.add(row(
                "Authorization header of 100 KiB",
                get("/v1/cameras", "Authorization: Bearer " + "a".repeat(100 * 1024) + "\r\n"),
                status(431)));

        // Host (DNS rebinding guard)
        rows.add(row("HTTP/1.1 without Host", "GET /health HTTP/1.1\r\n\r\n", status(400)));
        rows.add(row("two Host headers", "GET /health HTTP/1.1\r\n" + H + H + "\r\n", status(400)));
        rows.add(row("Host evil.example", "GET /health HTTP/1.1\r\nHost: evil.example\r\n\r\n", status(421)));
        rows.add(row(
                "Host evil.example with a port",
                "GET /health HTTP/1.1\r\nHost: evil.example:{port}\r\n\r\n",
                status(421)));
        rows.add(row(
                "Host that starts like the listen address",
                "GET /health HTTP/1.1\r\nHost: 127.0.0.1.evil.example\r\n\r\n",
                status(421)));
        rows.add(row("empty Host", "GET /health HTTP/1.1\r\nHost:\r\n\r\n", status(400, 421)));
        rows.add(row(
                "Host naming two hosts",
                "GET /health HTTP/1.1\r\nHost: 127.0.0.1, evil.example\r\n\r\n",
                status(400, 421)));

        // body framing and smuggling
        String smuggled = "GET /smuggled HTTP/1.1\r\n" + H + "\r\n";
        rows.add(row(
                "Transfer-Encoding and Content-Length, a request smuggled behind",
                "POST /v1/cameras HTTP/1.1\r\n" + H + ADMIN_AUTH + JSON
                        + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n" + "0\r\n\r\n" + smuggled,
                status(400).thenClose()));
        rows.add(row(
                "Content-Length and Transfer-Encoding, a request smuggled behind",
                "POST /v1/cameras HTTP/1.1\r\n" + H + ADMIN_AUTH + JSON
                        + "Transfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n" + "0\r\n\r\n" + smuggled,
                status(400).thenClose()));
        rows.add(row(
                "Transfer-Encoding: chunked with Content-Length: 0",
                "POST /health HTTP/1.1\r\n" + H
                        + "Content-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
                status(400).thenClose()));
        rows.add(row(
                "two different Content-Length headers",
                "POST /health HTTP/1.1\r\n" + H + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}x",
                status(400)));
        rows.add(row(
                "Content-Length: 2, 3",
                "POST /health HTTP/1.1\r\n" + H + "Content-Length: 2, 3\r\n\r\n{}x",
                status(400)));
        for (String length : List.of("+2", "-1", "1e3", "0x10", "", "99999999999999999999", "2 2")) {
            rows.add(row(
                    "Content-Length '" + length + "'",
                    "POST /health HTTP/1.1\r\n" + H + "Content-Length: " + length + "\r\n\r\n{}",
                    status(400)));
        }
        rows.add(row(
                "Content-Length with spaces around the digits is read",
                "POST /health HTTP/1.1\r\n" + H + "Content-Length:  2 \r\n\r\n{}",
                status(405)));
        rows.add(row(
                "Content-Length of 1 MiB + 1, no body sent",
                "POST /v1/cameras HTTP/1.1\r\n" + H + ADMIN_AUTH + JSON + "Content-Length: " + (MIB + 1) + "\r\n\r\n",
                status(413)));
        rows.add(row(
                "Content-Length of 1 TiB, no body sent",
                "POST /v1/cameras HTTP/1.1\r\n" + H + ADMIN_AUTH + JSON + "Content-Length: 1099511627776\r\n\r\n",
                status(413)));
        rows.add(row(
                "Content-Length of Long.MAX_VALUE, no body sent",
                "POST /v1/nvr/convert2mp4 HTTP/1.1\r\n" + H + ADMIN_AUTH + JSON
                        + "Content-Length: 9223372036854775807\r\n\r\n",
                status(413)));
        // RFC 9112 6.3: a request whose final coding is not chunked MUST get 400; 6.1: an unknown coding before a
        // final chunked SHOULD get 501
        rows.add(row("Transfer-Encoding: gzip", chunkedPost("gzip", "2\r\n{}\r\n0\r\n\r\n"), status(400, 501)));
        rows.add(row(
                "Transfer-Encoding: gzip, chunked", chunkedPost("gzip, chunked", "2\r\n{}\r\n0\r\n\r\n"), status(501)));
        rows.add(row(
                "Transfer-Encoding: chunked, gzip",
                chunkedPost("chunked, gzip", "2\r\n{}\r\n0\r\n\r\n"),
                status(400, 501)));
        rows.add(row("Transfer-Encoding: xchunked", chunkedPost("xchunked", "2\r\n{}\r\n0\r\n\r\n"), status(400, 501)));
        rows.add(row("Transfer-Encoding: identity", chunkedPost("identity", "2\r\n{}\r\n0\r\n\r\n"), status(400, 501)));
        rows.add(row(
                "Transfer-Encoding: chunked, chunked",
                chunkedPost("chunked, chunked", "2\r\n{}\r\n0\r\n\r\n"),
                status(400, 501)));
        rows.add(row(
                "chunk size zz",
                chunkedPost("chunked", "zz\r\n{}\r\n0\r\n\r\n"),
                status(400, 413).thenClose()));
        rows.add(row(
                "chunk size 7fffffffffffffff",
                chunkedPost("chunked", "7fffffffffffffff\r\n{}"),
                status(400, 413).thenClose()));
        rows.add(row(
                "chunk size ffffffffffffffffff (overflow)",
                chunkedPost("chunked", "ffffffffffffffffff\r\n{}"),
                status(400, 413).thenClose()));
        rows.add(row(
                "chunk size -1",
                chunkedPost("chunked", "-1\r\n{}\r\n0\r\n\r\n"),
                status(400, 413).thenClose()));
        rows.add(row(
                "chunk size 0x2",
                chunkedPost("chunked", "0x2\r\n{}\r\n0\r\n\r\n"),
                status(400, 413).thenClose()));
        rows.add(row(
                "chunk size line of 10 KiB",
                chunkedPost("chunked", "0".repeat(10 * 1024) + "2\r\n{}\r\n0\r\n\r\n"),
                status(400, 413).thenClose()));
        rows.add(row(
                "chunk extension of 10 KiB",
                chunkedPost("chunked", "2;" + "x".repeat(10 * 1024) + "\r\n{}\r\n0\r\n\r\n"),
                status(400, 413).thenClose()));
        rows.add(row(
                "chunk longer than its size",
                chunkedPost("chunked", "2\r\n{}xx\r\n0\r\n\r\n"),
                status(400).thenClose()));
        rows.add(new Row(
                "chunked body growing past 1 MiB",
                (c, p) -> {
                    c.send(fill(
                            "POST /v1/cameras HTTP/1.1\r\n" + H + ADMIN_AUTH + JSON
                                    + "Transfer-Encoding: chunked\r\n\r\n",
                            p));
                    byte[] chunk = ("10000\r\n" + "a".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
                    // stop as soon as the refusal arrives: writing on would have the server reset the connection
                    for (int i = 0; i < 18 && !c.answerArriving(); i++) {
                        if (!c.sendQuietly(chunk)) {
                            break;
                        }
                    }
                },
                status(413).thenClose().orSilentClose()));
        rows.add(new Row(
                "body shorter than its Content-Length, then the client stops sending",
                (c, p) -> {
                    c.send(fill("POST /health HTTP/1.1\r\n" + H + "Content-Length: 10\r\n\r\n{}", p));
                    c.finishSending();
                },
                status(400, 408).orSilentClose()));

        // expectations
        rows.add(row(
                "Expect: 100-continue with a Content-Length of 2 MiB gets 413, not 100 Continue",
                "POST /v1/cameras HTTP/1.1\r\n" + H + ADMIN_AUTH + JSON + "Expect: 100-continue\r\nContent-Length: "
                        + 2 * MIB + "\r\n\r\n",
                status(413)));
        rows.add(row(
                "Expect: 200-ok",
                post("POST", "/v1/cameras", JSON + ADMIN_AUTH + "Expect: 200-ok\r\n", CAMERA),
                status(417)));

        // access: every route but /health wants a credential
        List<String[]> routes = List.of(
                new String[] {"GET /metrics", "GET", "/metrics", null},
                new String[] {"GET /v1/cameras", "GET", "/v1/cameras", null},
                new String[] {"POST /v1/cameras", "POST", "/v1/cameras", CAMERA},
                new String[] {"PUT /v1/policies/x", "PUT", "/v1/policies/x", POLICY},
                new String[] {"GET /v1/index/streams", "GET", "/v1/index/streams", null},
                new String[] {
                    "GET export.mp4", "GET", "/hostile/cam/export.mp4?start_time=1700000000000&duration=2000", null
                },
                new String[] {"POST /v1/nvr/convert2mp4", "POST", "/v1/nvr/convert2mp4", EXPORT_JOB},
                new String[] {"GET /v1/nvr/exports", "GET", "/v1/nvr/exports", null},
                new String[] {"GET /", "GET", "/", null},
                new String[] {"GET index.m3u8", "GET", "/hostile/cam/index.m3u8", null});
        for (String[] r : routes) {
            rows.add(row(r[0] + " without a credential", request(r[1], r[2], "", r[3]), status(401)));
            rows.add(row(r[0] + " with a forged token", request(r[1], r[2], bearer(FORGED), r[3]), status(403)));
            rows.add(row(r[0] + " with an expired token", request(r[1], r[2], bearer(EXPIRED), r[3]), status(403)));
            // the viewer page itself names no stream: a viewer of any stream may load it
            rows.add(row(
                    r[0] + " with a token for another stream",
                    request(r[1], r[2], bearer(OTHER_STREAM), r[3]),
                    r[2].equals("/") ? status(200, 403) : status(403)));
        }
        rows.add(row(
                "Authorization: Bearer with nothing after it",
                get("/v1/cameras", "Authorization: Bearer \r\n"),
                status(401, 403)));
        rows.add(row(
                "Authorization: Basic",
                get("/v1/cameras", "Authorization: Basic YWRtaW46YWRtaW4=\r\n"),
                status(401, 403)));
        rows.add(row("token of 10 KiB", get("/v1/cameras", bearer("k1." + "A".repeat(10 * 1024))), status(401, 403)));
        rows.add(row(
                "JWT-shaped garbage token", get("/v1/cameras", bearer("eyJhbGciOiJub25lIn0.e30.")), status(401, 403)));
        rows.add(row(
                "two Authorization headers, admin and forged",
                get("/v1/cameras", ADMIN_AUTH + bearer(FORGED)),
                status(400, 401, 403)));
        rows.add(row("forged ?token= on a stream", get("/hostile/cam/index.m3u8?token=" + FORGED), status(403)));

        // JSON bodies only as JSON
        rows.add(row(
                "POST /v1/cameras as text/plain",
                post("POST", "/v1/cameras", ADMIN_AUTH + "Content-Type: text/plain\r\n", CAMERA),
                status(415)));
        rows.add(row(
                "POST /v1/cameras without Content-Type", post("POST", "/v1/cameras", ADMIN_AUTH, CAMERA), status(415)));
        rows.add(row(
                "PUT /v1/policies/x as text/plain",
                post("PUT", "/v1/policies/x", ADMIN_AUTH + "Content-Type: text/plain\r\n", POLICY),
                status(415)));
        rows.add(row(
                "PUT /v1/policies/x as a form",
                post(
                        "PUT",
                        "/v1/policies/x",
                        ADMIN_AUTH + "Content-Type: application/x-www-form-urlencoded\r\n",
                        POLICY),
                status(415)));
        rows.add(row(
                "POST /v1/nvr/convert2mp4 as text/plain",
                post("POST", "/v1/nvr/convert2mp4", ADMIN_AUTH + "Content-Type: text/plain\r\n", EXPORT_JOB),
                status(415)));

        // bounded work
        rows.add(row(
                "playlist from Long.MAX_VALUE for 1 ms",
                get("/hostile/cam/playlist.m3u8?start_time=9223372036854775807&duration=1", ADMIN_AUTH),
                status(400)));
        rows.add(row(
                "playlist from Long.MIN_VALUE",
                get("/hostile/cam/playlist.m3u8?start_time=-9223372036854775808&duration=1000", ADMIN_AUTH),
                status(400)));
        rows.add(row(
                "playlist of duration -1",
                get("/hostile/cam/playlist.m3u8?start_time=1700000000000&duration=-1", ADMIN_AUTH),
                status(400)));
        rows.add(row(
                "playlist ending before it starts",
                get("/hostile/cam/playlist.m3u8?start_time=1700000005000&end_time=1700000000000", ADMIN_AUTH),
                status(400)));
        rows.add(row(
                "recordings from Long.MAX_VALUE for 1 ms",
                get("/v1/streams/hostile/cam/recordings?start_time=9223372036854775807&duration=1", ADMIN_AUTH),
                status(400, 404)));
        rows.add(row(
                "export.mp4 from Long.MAX_VALUE for 1 ms",
                get("/hostile/cam/export.mp4?start_time=9223372036854775807&duration=1", ADMIN_AUTH),
                status(400)));
        rows.add(row(
                "export job from Long.MAX_VALUE for 1 ms",
                post(
                        "POST",
                        "/v1/nvr/convert2mp4",
                        ADMIN_AUTH + JSON,
                        "{\"app_name\":\"hostile\",\"stream_name\":\"cam\",\"start_time\":9223372036854775807,\"duration\":1}"),
                status(400)));
        rows.add(row(
                "index segments from 0 to Long.MAX_VALUE",
                get("/v1/index/segments/hostile/cam?start=0&end=9223372036854775807", ADMIN_AUTH),
                status(200, 400)));
        rows.add(row(
                "index segments, the last 2^31-1",
                get("/v1/index/segments/hostile/cam?last=2147483647", ADMIN_AUTH),
                status(400)));
        for (String query : List.of(
                "",
                "?start_time=1700000000000",
                "?end_time=1700000005000",
                "?start_time=abc&end_time=1700000005000",
                "?start_time=1700000000000&end_time=xyz",
                "?start_time=-5&end_time=1700000005000",
                "?start_time=1700000000000&end_time=1700000000000",
                "?start_time=1700000000000&duration=0",
                "?start_time=1700000000000&duration=86400001",
                "?start_time=99999999999999999999&duration=5",
                "?start_time=1.5e12&duration=5000",
                "?start_time=&end_time=1700000005000",
                "?start_time=1700000000000&end_time=",
                "?start_time=1700000000000&duration=abc",
                "?start_time=0x10&duration=5000",
                "?start_time=%201700000000000&duration=5000",
                "?start_time=1700000000000%00&duration=5000",
                "?start_time=1700000000000&end_time=-1700000005000",
                "?start_time=1700000000000&end_time=1700086400001",
                "?start_time=1700000000000&duration=999999999999999999999",
                "?start_time=1700000005000&end_time=1700000000000&duration=5000")) {
            rows.add(row(
                    "playlist range '" + query + "'",
                    get("/hostile/cam/playlist.m3u8" + query, ADMIN_AUTH),
                    status(400)));
        }
        rows.add(row(
                "playlist range glued to the path with &",
                get("/hostile/cam/playlist.m3u8&start_time=abc", ADMIN_AUTH),
                status(400)));
        rows.add(row("live playlist with dvr=2", get("/hostile/cam/index.m3u8?dvr=2", ADMIN_AUTH), status(400)));
        rows.add(row("live playlist with dvr=abc", get("/hostile/cam/index.m3u8?dvr=abc", ADMIN_AUTH), status(400)));
        rows.add(row(
                "recordings from x",
                get("/v1/streams/hostile/cam/recordings?start_time=x", ADMIN_AUTH),
                status(400, 404)));
        rows.add(row("stream named ..", get("/hostile/../index.m3u8", ADMIN_AUTH), status(400, 404)));
        rows.add(row("stream named .", get("/hostile/./index.m3u8", ADMIN_AUTH), status(400, 404)));
        rows.add(row(
                "application with .. inside", get("/v1/streams/li..ve/cam/recordings", ADMIN_AUTH), status(400, 404)));
        rows.add(row("encoded slash in a stream name", get("/hostile/a%2Fb/index.m3u8", ADMIN_AUTH), status(400, 404)));
        rows.add(row(
                "encoded slash in a segment name",
                get("/hostile/cam/2023/11/14/22/a%2Fb.m4s", ADMIN_AUTH),
                status(400, 404)));
        rows.add(row(
                "segment of an impossible hour",
                get("/hostile/cam/2023/13/40/99/s-0000000000.m4s", ADMIN_AUTH),
                status(400, 404)));
        rows.add(row(
                "segment that is an executable",
                get("/hostile/cam/2023/11/14/22/x.exe", ADMIN_AUTH),
                status(400, 404)));
        rows.add(
                row("%00 in an init segment name", get("/hostile/cam/init/s%00abc.mp4", ADMIN_AUTH), status(400, 404)));
        rows.add(row(
                "POST to a live playlist",
                post("POST", "/hostile/cam/index.m3u8", ADMIN_AUTH + JSON, "{}"),
                status(405)));
        rows.add(row("DELETE /v1/streams", "DELETE /v1/streams HTTP/1.1\r\n" + H + ADMIN_AUTH + "\r\n", status(405)));
        rows.add(row(
                "PUT to a media segment",
                post("PUT", "/hostile/cam/2023/11/14/22/s-0000000000.m4s", ADMIN_AUTH + JSON, "{}"),
                status(405)));
        String nested = "[".repeat(200_000);
        rows.add(row(
                "200,000 nested [ posted as a camera",
                post("POST", "/v1/cameras", ADMIN_AUTH + JSON, nested),
                status(400, 413)));
        rows.add(row(
                "200,000 nested [ put as a policy",
                post("PUT", "/v1/policies/x", ADMIN_AUTH + JSON, nested),
                status(400, 413)));
        rows.add(row(
                "200,000 nested [ posted as an export job",
                post("POST", "/v1/nvr/convert2mp4", ADMIN_AUTH + JSON, nested),
                status(400, 413)));
        rows.add(row(
                "100,000 nested objects posted as a camera",
                post("POST", "/v1/cameras", ADMIN_AUTH + JSON, "{\"a\":".repeat(100_000)),
                status(400, 413)));
        rows.add(
                row("camera that is a JSON array", post("POST", "/v1/cameras", ADMIN_AUTH + JSON, "[1]"), status(400)));
        rows.add(row(
                "policy that is a JSON string",
                post("PUT", "/v1/policies/x", ADMIN_AUTH + JSON, "\"x\""),
                status(400)));
        rows.add(row(
                "export job that is JSON null",
                post("POST", "/v1/nvr/convert2mp4", ADMIN_AUTH + JSON, "null"),
                status(400)));
        rows.add(row(
                "camera with fields of the wrong types",
                post("POST", "/v1/cameras", ADMIN_AUTH + JSON, "{\"app\":1,\"stream\":true,\"url\":[]}"),
                status(400)));
        rows.add(row(
                "policy with fields of the wrong types",
                post("PUT", "/v1/policies/x", ADMIN_AUTH + JSON, "{\"recording\":\"yes\",\"retention_ms\":{}}"),
                status(400)));
        rows.add(row(
                "export job with fields of the wrong types",
                post(
                        "POST",
                        "/v1/nvr/convert2mp4",
                        ADMIN_AUTH + JSON,
                        "{\"app_name\":1,\"stream_name\":[],\"start_time\":\"soon\"}"),
                status(400)));
        rows.add(row(
                "camera cut short",
                post("POST", "/v1/cameras", ADMIN_AUTH + JSON, "{\"app\":\"hostile\",\"str"),
                status(400)));
        rows.add(row(
                "policy cut short",
                post("PUT", "/v1/policies/x", ADMIN_AUTH + JSON, "{\"recording\":tr"),
                status(400)));
        rows.add(row(
                "export job cut short",
                post("POST", "/v1/nvr/convert2mp4", ADMIN_AUTH + JSON, "{\"app_name\":\"a"),
                status(400)));

        // not HTTP at all; a parser may skip leading control bytes and then wait for a request line: 408 and close
        rows.add(row(
                "a TLS ClientHello on the plain port",
                hex("16030100a5010000a10303") + "\r\n\r\n",
                status(400, 408).thenClose().orSilentClose()));
        rows.add(row(
                "the HTTP/2 connection preface",
                "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                status(400, 408, 505).orSilentClose()));
        rows.add(row(
                "1 KiB of NUL bytes",
                "\0".repeat(1024) + "\r\n\r\n",
                status(400, 408).orSilentClose()));
        byte[] noise = new byte[4096];
        new Random(20261207L).nextBytes(noise);
        rows.add(row(
                "4 KiB of random bytes",
                new String(noise, StandardCharsets.ISO_8859_1) + "\r\n\r\n",
                status(400, 405, 408, 414, 431, 501, 505).orSilentClose()));
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    @Order(1)
    void hostileRequest(Row row) throws Exception {
        SoftAssertions soft = new SoftAssertions();
        String transcript;
        try (RawConnection c = RawConnection.open(port, READ_TIMEOUT)) {
            try {
                row.script().run(c, port);
            } catch (IOException e) {
                // the server stopped reading (it may refuse a request before its end): what it answered counts
            }
            readAndCheck(c, row.expect(), soft);
            transcript = c.transcript();
        }
        soft.assertThat(STATUS_500.matcher(transcript).find())
                .as("a 500 in %s", RawConnection.printable(transcript))
                .isFalse();
        for (String marker : TRACE_MARKERS) {
            soft.assertThat(transcript).as("internals in the answer").doesNotContain(marker);
        }
        for (String marker : FILE_MARKERS) {
            soft.assertThat(transcript).as("file content in the answer").doesNotContain(marker);
        }
        soft.assertThat(health(port))
                .as("GET /health on a fresh connection afterwards")
                .isEqualTo(200);
        try {
            soft.assertAll();
        } catch (AssertionError e) {
            // reports name the row by its index only: put its name first
            throw new AssertionError(row.name() + ": " + e.getMessage(), e);
        }
    }

    private static void readAndCheck(RawConnection c, Expect expect, SoftAssertions soft) throws IOException {
        if (!expect.inOrder().isEmpty()) {
            for (int i = 0; i < expect.inOrder().size(); i++) {
                Optional<Answer> answer = read(c, soft);
                if (answer.isEmpty()) {
                    soft.fail(
                            "answer %d of %d missing (%s)",
                            i + 1, expect.inOrder().size(), c.ending().orElse(Ending.OPEN));
                    return;
                }
                soft.assertThat(answer.get().status())
                        .as("answer %d: %s", i + 1, answer.get().statusLine())
                        .isEqualTo(expect.inOrder().get(i));
            }
            return;
        }
        Optional<Answer> answer = read(c, soft);
        if (answer.isEmpty()) {
            if (c.ending().isPresent()) {
                soft.assertThat(expect.silentCloseAllowed())
                        .as(
                                "connection %s without an answer; expected %s",
                                c.ending().get(), expect.statuses())
                        .isTrue();
            }
            return;
        }
        checkAnswer(answer.get(), expect.statuses(), soft);
        if (expect.closes()) {
            // what the server did after its answer; a second answer here is a smuggled request served
            Ending ending = c.awaitEnd(READ_TIMEOUT);
            soft.assertThat(ending).as("connection after the answer").isNotEqualTo(Ending.OPEN);
            soft.assertThat(countStatusLines(c.transcript()))
                    .as("answers on the connection: %s", RawConnection.printable(c.transcript()))
                    .isEqualTo(1);
        }
    }

    /** The next answer; empty (with a soft failure) when none came within the read timeout or it was garbled. */
    private static Optional<Answer> read(RawConnection c, SoftAssertions soft) {
        try {
            return c.readAnswer();
        } catch (SocketTimeoutException e) {
            soft.fail("no answer within %s (connection left waiting)", READ_TIMEOUT);
        } catch (IOException e) {
            soft.fail("unreadable answer: %s", e.getMessage());
        }
        return Optional.empty();
    }

    /** The status is one of {@code statuses}; an error is JSON naming its reason and status; a 401 challenges. */
    static void checkAnswer(Answer answer, Set<Integer> statuses, SoftAssertions soft) {
        String body = answer.bodyText();
        soft.assertThat(answer.status())
                .as("%s %s", answer.statusLine(), RawConnection.printable(body))
                .isIn(statuses);
        if (answer.status() >= 400) {
            soft.assertThat(answer.header("Content-Type"))
                    .as("Content-Type of %s", answer.statusLine())
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            try {
                Map<String, Object> error = JsonValues.parseObject(body);
                soft.assertThat(error.get("error")).as("reason in %s", body).isInstanceOf(String.class);
                soft.assertThat((String) error.get("error"))
                        .as("reason in %s", body)
                        .isNotBlank();
                soft.assertThat(error.get("status")).as("status in %s", body).isEqualTo((long) answer.status());
            } catch (RuntimeException e) {
                soft.fail("body of %s is not a JSON error: %s", answer.statusLine(), RawConnection.printable(body));
            }
        }
        if (answer.status() == 401) {
            soft.assertThat(answer.header("WWW-Authenticate"))
                    .as("WWW-Authenticate of a 401")
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        }
    }

    private static long countStatusLines(String transcript) {
        return Pattern.compile("HTTP/1\\.[01] \\d{3} ")
                .matcher(transcript)
                .results()
                .count();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The load rows

    /**
     * A thousand clients announce a 1 MiB body and send none of it. The server must not set aside the announced
     * memory, and must go on serving others. The heap is measured with the {@code MemoryMXBean} after an explicit
     * GC: kvr runs in this JVM, and the heap used after a full collection is what the held connections retain.
     * The {@code jvm_memory_used_bytes} of {@code /metrics} reads the same pools without collecting first, so it
     * would mostly measure garbage, and it needs an admin credential.
     */
    @Test
    @Order(2)
    void aThousandHeldRequestBodiesCostLittleHeapAndDoNotStopOthers() throws Exception {
        int clients = 1000;
        assumeDescriptors(2 * clients + 200);
        capped.join(); // started: its start must not compete with what is measured here
        long before = heapAfterGc();
        String head = fill(
                "POST /v1/nvr/convert2mp4 HTTP/1.1\r\n" + H + ADMIN_AUTH + JSON + "Content-Length: " + MIB + "\r\n\r\n",
                port);
        List<RawConnection> held = new ArrayList<>(clients);
        try {
            for (int i = 0; i < clients; i++) {
                held.add(RawConnection.open(port, READ_TIMEOUT).send(head));
            }
            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(quickestOfThree(() -> health(port) == 200))
                    .as("GET /health on a new connection while %d bodies are held", clients)
                    .isLessThan(Duration.ofSeconds(1));

            // for two seconds on end, so the server has had time to read every head
            soft.assertThatCode(() -> await().during(Duration.ofSeconds(2))
                            .atMost(Duration.ofSeconds(10))
                            .pollInterval(Duration.ofMillis(500))
                            .untilAsserted(() -> assertThat(heapAfterGc() - before)
                                    .as("heap growth while %d bodies are held", clients)
                                    .isLessThan(64 * MIB)))
                    .doesNotThrowAnyException();
            for (RawConnection c : held) {
                if (c.answerArriving()) {
                    read(c, soft).ifPresent(a -> checkAnswer(a, Set.of(408, 413, 503), soft));
                    soft.assertThat(c.transcript())
                            .doesNotContain(TRACE_MARKERS.get(0))
                            .doesNotContain(TRACE_MARKERS.get(1));
                }
            }
            soft.assertAll();
        } finally {
            closeAll(held);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> health(port) == 200);
    }

    /**
     * {@code http.connections.max=200}: a served keep-alive client, 200 served and idle connections filling the cap, and
     * 2000 more, each refused (a 503 with a JSON reason, or a close) within seconds, while the first client is
     * still served within a second. Its own kvr: the cap would refuse the thousand clients of the row above.
     */
    @Test
    @Order(3)
    void connectionsBeyondTheCapAreRefusedWhileServedOnesGoOn() throws Exception {
        int idleCount = CAP;
        int surplusCount = 2000;
        assumeDescriptors(2 * (1 + idleCount + surplusCount) + 200);
        int cappedPort = capped.join().httpPort();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> health(cappedPort) == 200);
        List<RawConnection> idle = new ArrayList<>(idleCount);
        List<RawConnection> surplus = new ArrayList<>(surplusCount);
        SoftAssertions soft = new SoftAssertions();
        try (RawConnection client = RawConnection.open(cappedPort, READ_TIMEOUT)) {
            String request = fill(get("/health"), cappedPort);
            assertThat(client.send(request).readAnswer())
                    .get()
                    .extracting(Answer::status)
                    .isEqualTo(200);
            // each idle connection is served once and kept alive, so the server has counted it before the surplus
            // arrives (a connection's event loop may register it later than one opened after it)
            for (int i = 0; i < idleCount; i++) {
                RawConnection c = RawConnection.open(cappedPort, READ_TIMEOUT);
                idle.add(c);
                String which = "idle connection " + i;
                if (c.sendQuietly(request.getBytes(StandardCharsets.ISO_8859_1))) {
                    read(c, soft)
                            .ifPresent(
                                    a -> soft.assertThat(a.status()).as(which).isIn(200, 503));
                }
            }
            int notAccepted = 0;
            long openUntil = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            for (int i = 0; i < surplusCount && System.nanoTime() < openUntil; i++) {
                try {
                    surplus.add(RawConnection.open(cappedPort, Duration.ofSeconds(3), READ_TIMEOUT));
                } catch (ConnectException e) {
                    // refused at the door: as good as a close
                } catch (SocketTimeoutException e) {
                    notAccepted++;
                }
            }
            soft.assertThat(notAccepted)
                    .as("connections not accepted within 3 s")
                    .isZero();

            soft.assertThat(quickestOfThree(() ->
                            read(client.send(request), soft).map(Answer::status).orElse(-1) == 200))
                    .as("the keep-alive client's next request while the surplus is refused")
                    .isLessThan(Duration.ofSeconds(1));

            long deadline = System.nanoTime() + REFUSAL_TIME.toNanos();
            List<Integer> hanging = new ArrayList<>();
            for (int i = 0; i < surplus.size(); i++) {
                RawConnection c = surplus.get(i);
                c.readTimeout(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
                try {
                    Optional<Answer> answer = c.readAnswer();
                    if (answer.isPresent()) {
                        checkAnswer(answer.get(), Set.of(503), soft);
                        if (c.awaitEnd(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())))
                                == Ending.OPEN) {
                            hanging.add(i);
                        }
                    }
                } catch (SocketTimeoutException e) {
                    hanging.add(i);
                }
                soft.assertThat(STATUS_500.matcher(c.transcript()).find())
                        .as("a 500 to a surplus connection")
                        .isFalse();
            }
            if (!hanging.isEmpty()) {
                soft.fail(
                        "surplus connections (by opening order, of %d) left open %s after the last was opened: %s; "
                                + "of those, refused within %s more: %s",
                        surplus.size(),
                        REFUSAL_TIME,
                        hanging.subList(0, Math.min(20, hanging.size())),
                        REFUSAL_TIME,
                        refusedLate(surplus, hanging));
            }
        } finally {
            closeAll(idle);
            closeAll(surplus);
        }
        soft.assertThatCode(() -> await().atMost(Duration.ofSeconds(10)).until(() -> health(cappedPort) == 200))
                .as("GET /health afterwards")
                .doesNotThrowAnyException();
        soft.assertAll();
    }

    /** A request that answers whether it was served. */
    @FunctionalInterface
    interface TimedRequest {
        boolean served() throws IOException;
    }

    /**
     * The quickest of three tries of {@code request}, as a single one could meet a scheduling hiccup of a busy
     * machine; a try that is not served counts as forever.
     */
    private static Duration quickestOfThree(TimedRequest request) throws IOException {
        Duration quickest = ChronoUnit.FOREVER.getDuration();
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            boolean served = request.served();
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            if (served && took.compareTo(quickest) < 0) {
                quickest = took;
            }
        }
        return quickest;
    }

    /** How many of the connections {@code hanging} end within another {@link #REFUSAL_TIME}: slow, or never. */
    private static String refusedLate(List<RawConnection> connections, List<Integer> hanging) throws IOException {
        long deadline = System.nanoTime() + REFUSAL_TIME.toNanos();
        int late = 0;
        for (int i : hanging) {
            if (connections.get(i).awaitEnd(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())))
                    != Ending.OPEN) {
                late++;
            }
        }
        return late + " of " + hanging.size();
    }

    /**
     * Slow clients are cut off: one that sends its request head a byte a second within {@code http.header.timeout}
     * (3 s on the first kvr) plus slack, though bytes keep arriving; one that announces 100 body bytes and sends 10
     * within {@code http.body.timeout} (3 s on the second) plus slack. Both at once, so the row costs one deadline.
     */
    @Test
    @Order(4)
    void slowClientsAreCutOffAtTheirDeadlines() throws Exception {
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<Cutoff> slowHead = CompletableFuture.supplyAsync(() -> slowHead(port), clients);
            CompletableFuture<Cutoff> slowBody =
                    CompletableFuture.supplyAsync(() -> slowBody(capped.join().httpPort()), clients);
            Cutoff head = slowHead.join();
            Cutoff body = slowBody.join();

            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(head.cut())
                    .as("a head sent a byte a second is cut off (%s)", head)
                    .isTrue();
            soft.assertThat(head.after())
                    .as("cut-off of the slow head")
                    .isLessThanOrEqualTo(HEADER_TIMEOUT.plus(SLACK));
            soft.assertThat(body.cut())
                    .as("a body that stops after 10 of 100 bytes is cut off (%s)", body)
                    .isTrue();
            soft.assertThat(body.after()).as("cut-off of the slow body").isLessThanOrEqualTo(BODY_TIMEOUT.plus(SLACK));
            for (Cutoff c : List.of(head, body)) {
                soft.assertThat(STATUS_500.matcher(c.transcript()).find())
                        .as("a 500 to a slow client")
                        .isFalse();
                for (String marker : TRACE_MARKERS) {
                    soft.assertThat(c.transcript())
                            .as("internals in the answer")
                            .doesNotContain(marker);
                }
            }
            soft.assertThat(health(port)).as("GET /health afterwards").isEqualTo(200);
            soft.assertAll();
        }
    }

    /** Whether and when (since the first byte) the server cut a slow client off, and what it said. */
    record Cutoff(boolean cut, Duration after, String transcript) {}

    private static Cutoff slowHead(int port) {
        byte[] head = fill("GET /health HTTP/1.1\r\n" + H + "X-Slow: " + "a".repeat(64), port)
                .getBytes(StandardCharsets.ISO_8859_1);
        Duration giveUp = HEADER_TIMEOUT.plus(SLACK).plusSeconds(2);
        try (RawConnection c = RawConnection.open(port, READ_TIMEOUT)) {
            long t0 = System.nanoTime();
            for (int i = 0;
                    i < head.length && Duration.ofNanos(System.nanoTime() - t0).compareTo(giveUp) < 0;
                    i++) {
                if (!c.sendQuietly(new byte[] {head[i]})) {
                    return new Cutoff(true, Duration.ofNanos(System.nanoTime() - t0), c.transcript());
                }
                // the one-second wait between bytes is a read: it ends early when the server answers or closes
                if (c.awaitEnd(Duration.ofSeconds(1)) != Ending.OPEN) {
                    return new Cutoff(true, Duration.ofNanos(System.nanoTime() - t0), c.transcript());
                }
            }
            return new Cutoff(false, Duration.ofNanos(System.nanoTime() - t0), c.transcript());
        } catch (IOException e) {
            throw new IllegalStateException("slow head client failed: " + e, e);
        }
    }

    private static Cutoff slowBody(int port) {
        String head =
                fill("POST /v1/cameras HTTP/1.1\r\n" + H + ADMIN_AUTH + JSON + "Content-Length: 100\r\n\r\n", port);
        try (RawConnection c = RawConnection.open(port, READ_TIMEOUT)) {
            c.send(head + "{\"app\":\"ho");
            long t0 = System.nanoTime();
            Ending ending = c.awaitEnd(BODY_TIMEOUT.plus(SLACK).plusSeconds(2));
            return new Cutoff(ending != Ending.OPEN, Duration.ofNanos(System.nanoTime() - t0), c.transcript());
        } catch (IOException e) {
            throw new IllegalStateException("slow body client failed: " + e, e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Rows and requests

    /** Writes a row's bytes to the connection; {@code port} fills {@code {port}}. */
    @FunctionalInterface
    interface Script {
        void run(RawConnection connection, int port) throws IOException;
    }

    /**
     * What a row must get: the first answer's status is one of {@code statuses} (or the answers are
     * {@code inOrder}); {@code closes}: the server then ends the connection and answers nothing more;
     * {@code silentCloseAllowed}: a close without any answer is fine too.
     */
    record Expect(Set<Integer> statuses, List<Integer> inOrder, boolean closes, boolean silentCloseAllowed) {
        Expect thenClose() {
            return new Expect(statuses, inOrder, true, silentCloseAllowed);
        }

        Expect orSilentClose() {
            return new Expect(statuses, inOrder, closes, true);
        }
    }

    /** One row of the table; its name is what a test report shows. */
    record Row(String name, Script script, Expect expect) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Row row(String name, String request, Expect expect) {
        return new Row(name, (c, p) -> c.send(fill(request, p)), expect);
    }

    private static Expect status(int... any) {
        return new Expect(Arrays.stream(any).boxed().collect(Collectors.toUnmodifiableSet()), List.of(), false, false);
    }

    private static Expect answers(int... inOrder) {
        return new Expect(Set.of(), Arrays.stream(inOrder).boxed().toList(), false, false);
    }

    private static String fill(String request, int port) {
        return request.replace("{port}", Integer.toString(port));
    }

    /** {@code GET target HTTP/1.1}, Host, then {@code headers} (whole lines, CRLF included). */
    private static String get(String target, String... headers) {
        return "GET " + target + " HTTP/1.1\r\n" + H + String.join("", headers) + "\r\n";
    }

    /** A request with {@code body} (ISO-8859-1) and its Content-Length after {@code headers}. */
    private static String post(String method, String target, String headers, String body) {
        return method + " " + target + " HTTP/1.1\r\n" + H + headers + "Content-Length: " + body.length() + "\r\n\r\n"
                + body;
    }

    /** {@code method target} with a credential line (or none) and a JSON body (or none). */
    private static String request(String method, String target, String credential, String jsonBody) {
        return jsonBody == null ? get(target, credential) : post(method, target, credential + JSON, jsonBody);
    }

    /** A camera posted with the given Transfer-Encoding and the body exactly as given. */
    private static String chunkedPost(String transferEncoding, String body) {
        return "POST /v1/cameras HTTP/1.1\r\n" + H + ADMIN_AUTH + JSON + "Transfer-Encoding: " + transferEncoding
                + "\r\n\r\n" + body;
    }

    private static String bearer(String token) {
        return "Authorization: Bearer " + token + "\r\n";
    }

    private static String hex(String hex) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            s.append((char) Integer.parseInt(hex.substring(i, i + 2), 16));
        }
        return s.toString();
    }

    /** C0 controls and DEL. */
    private static List<Integer> controlCharacters() {
        List<Integer> cs = new ArrayList<>(IntStream.range(0, 0x20).boxed().toList());
        cs.add(0x7f);
        return cs;
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Status of {@code GET /health} on a fresh connection, or -1 when none came. */
    static int health(int port) {
        try (RawConnection c = RawConnection.open(port, READ_TIMEOUT)) {
            c.send(fill("GET /health HTTP/1.1\r\n" + H + "Connection: close\r\n\r\n", port));
            return c.readAnswer().map(Answer::status).orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Skips the test when this JVM cannot open {@code needed} more descriptors (a connection costs two here). */
    private static void assumeDescriptors(long needed) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            long free = os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount();
            assumeTrue(
                    free >= needed,
                    () -> "needs " + needed + " free file descriptors (each connection costs two in this "
                            + "JVM, client and server side) but has " + free + " (ulimit -n "
                            + os.getMaxFileDescriptorCount() + ")");
        }
    }

    private static void closeAll(List<RawConnection> connections) {
        for (RawConnection c : connections) {
            try {
                c.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
