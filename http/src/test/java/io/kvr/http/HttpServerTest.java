package io.kvr.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.http.access.AccessControl;
import io.kvr.http.access.Role;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP/1.1 wire behaviour of {@link HttpService}'s server, spoken raw over sockets and through a real client. */
class HttpServerTest {
    private static HttpService server;

    @BeforeAll
    static void start() {
        Router router = new Router(AccessControl.open())
                .get("/hello", Role.PUBLIC, req -> Response.text(200, "text/plain", "hello"))
                .post("/echo", Role.PUBLIC, req -> Response.bytes(200, "application/octet-stream", req.body()))
                .get(
                        "/header",
                        Role.PUBLIC,
                        req -> Response.text(
                                200, "text/plain", req.header("x-thing").orElse("-")))
                .get(
                        "/short",
                        Role.PUBLIC,
                        req -> Response.stream(200, "text/plain", 10, out -> out.write(new byte[3])))
                .get("/none", Role.PUBLIC, req -> Response.empty(204))
                .get(
                        "/chunked",
                        Role.PUBLIC,
                        req -> Response.chunked(200, "text/plain", out -> {
                            out.write("ab".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            out.write(new byte[0]);
                            out.write("c".repeat(20).getBytes(StandardCharsets.US_ASCII));
                        }))
                .get(
                        "/chunked-fails",
                        Role.PUBLIC,
                        req -> Response.chunked(200, "text/plain", out -> {
                            out.write("partial".getBytes(StandardCharsets.US_ASCII));
                            throw new IOException("source went away");
                        }))
                .get("/boom", Role.PUBLIC, req -> {
                    throw new IllegalStateException("bug");
                })
                .get("/error", Role.PUBLIC, req -> {
                    throw new NoClassDefFoundError("io/kvr/Missing");
                });
        server = HttpService.start("127.0.0.1", 0, router);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void keepAliveAndPipelinedRequestsAreAnsweredInOrderOnOneConnection() throws Exception {
        try (Socket s = socket()) {
            send(
                    s,
                    "GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\nGET /header HTTP/1.1\r\nHost: localhost\r\nX-Thing: two\r\n\r\n"
                            + "GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(all.split("HTTP/1.1 200 OK", -1)).hasSize(4);
            assertThat(all)
                    .contains("\r\n\r\nhello")
                    .contains("\r\n\r\ntwo")
                    .contains("Connection: close")
                    .contains("Content-Length: 5")
                    .contains("Date: ");
        }
    }

    @Test
    void headAnswersTheLengthWithoutTheBody() throws Exception {
        try (Socket s = socket()) {
            send(s, "HEAD /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(all)
                    .startsWith("HTTP/1.1 200 OK")
                    .contains("Content-Length: 5")
                    .endsWith("\r\n\r\n");
        }
    }

    @Test
    void chunkedAndExpectContinueBodiesAreRead() throws Exception {
        try (Socket s = socket()) {
            send(
                    s,
                    "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n");
            assertThat(readResponse(s.getInputStream())).endsWith("abcde");
            send(
                    s,
                    "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 4\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
            InputStream in = s.getInputStream();
            assertThat(readHead(in)).startsWith("HTTP/1.1 100 Continue");
            send(s, "wxyz");
            assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1))
                    .startsWith("HTTP/1.1 200")
                    .endsWith("wxyz");
        }
    }

    @Test
    void badRequestsGetA4xxAndTheConnectionCloses() throws Exception {
        List<String> answers = new ArrayList<>();
        for (String raw : List.of(
                "NONSENSE\r\n\r\n",
                "GET /hello HTTP/1.1\r\nHost: localhost\r\nno colon here\r\n\r\n",
                "GET /hello\u0001 HTTP/1.1\r\n\r\n",
                "GET hello HTTP/1.1\r\n\r\n",
                "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 99999999\r\n\r\n",
                "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\n\r\n",
                "GET /a%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")) {
            try (Socket s = socket()) {
                send(s, raw);
                answers.add(
                        new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1).split(" ", 3)[1]);
            }
        }
        assertThat(answers).containsExactly("400", "400", "400", "400", "413", "414", "400");
    }

    @Test
    void aBodyShorterThanAnnouncedClosesTheConnectionAndBugsAre500() throws Exception {
        try (Socket s = socket()) {
            send(s, "GET /short HTTP/1.1\r\nHost: localhost\r\n\r\n");
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(all).startsWith("HTTP/1.1 200").contains("Content-Length: 10");
        }
        try (Socket s = socket()) {
            send(
                    s,
                    "GET /boom HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\nGET /none HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                    .startsWith("HTTP/1.1 500")
                    .contains("internal error")
                    .doesNotContain("204");
        }
    }

    @Test
    void anErrorInARouteIsStillA500AndClosesTheConnection() throws Exception {
        try (Socket s = socket()) {
            s.setSoTimeout(10_000);
            send(s, "GET /error HTTP/1.1\r\nHost: localhost\r\n\r\nGET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                    .startsWith("HTTP/1.1 500")
                    .contains("internal error")
                    .contains("Connection: close")
                    .doesNotContain("hello");
        }
        try (Socket s = socket()) {
            send(s, "GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                    .endsWith("hello");
        }
    }

    @Test
    void aBodyOfUnknownLengthGoesChunkedAndAFailedOneHasNoLastChunk() throws Exception {
        try (Socket s = socket()) {
            send(
                    s,
                    "GET /chunked HTTP/1.1\r\nHost: localhost\r\n\r\nGET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(all)
                    .contains("Transfer-Encoding: chunked")
                    .doesNotContain("Content-Length: 0")
                    .contains("\r\n\r\n2\r\nab\r\n14\r\n" + "c".repeat(20) + "\r\n0\r\n\r\nHTTP/1.1 200 OK")
                    .endsWith("hello");
        }
        try (Socket s = socket()) {
            send(
                    s,
                    "GET /chunked-fails HTTP/1.1\r\nHost: localhost\r\n\r\nGET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(all)
                    .as("closed after the broken body, no last chunk, nothing more answered")
                    .endsWith("7\r\npartial\r\n")
                    .doesNotContain("hello");
        }
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chunked"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).isEqualTo("ab" + "c".repeat(20));
        assertThat(r.headers().firstValue("Content-Length")).isEmpty();
    }

    @Test
    void theJdkClientTalksToIt() throws Exception {
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = client.send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/hello"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("hello");
            HttpResponse<String> none = client.send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/none"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(none.statusCode()).isEqualTo(204);
            HttpResponse<String> echo = client.send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/echo"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(echo.body()).hasSize(100_000);
            HttpResponse<String> missing = client.send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/nope?a=b"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).contains("\"error\"");
        }
    }

    @Test
    void framingThatCouldSmuggleARequestIsRefusedAndTheConnectionCloses() throws Exception {
        // a second request hidden in the body of the first must never be answered
        String smuggled =
                "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "0\r\n\r\nGET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n";
        assertThat(exchange(smuggled))
                .startsWith("HTTP/1.1 400")
                .contains("Connection: close")
                .contains("Transfer-Encoding and Content-Length")
                .doesNotContain("hello");
        assertThat(exchange(
                        "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc"))
                .startsWith("HTTP/1.1 400");
        assertThat(exchange("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: +2\r\n\r\nab"))
                .startsWith("HTTP/1.1 400");
        // RFC 9112 6.3: a request whose final coding is not chunked has no knowable length
        assertThat(exchange("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        assertThat(exchange(
                        "POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"))
                .startsWith("HTTP/1.1 501");
        assertThat(
                        exchange(
                                "POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\nab"))
                .matches("(?s)HTTP/1.1 4(00|13).*")
                .doesNotContain("Exception");
    }

    @Test
    void versionsHostsAndHeaderSyntaxAreChecked() throws Exception {
        assertThat(exchange("GET /hello HTTP/1.7\r\nHost: localhost\r\n\r\n")).startsWith("HTTP/1.1 505");
        assertThat(exchange("GET /hello HTTP/2.0\r\nHost: localhost\r\n\r\n")).startsWith("HTTP/1.1 505");
        assertThat(exchange("GET /hello HTTP/1.1\r\n\r\n"))
                .startsWith("HTTP/1.1 400")
                .contains("Host");
        assertThat(exchange("GET /hello HTTP/1.1\r\nHost: localhost\r\nHost: localhost\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        assertThat(exchange("GET /hello HTTP/1.1\r\nHost: rebound.example\r\n\r\n"))
                .startsWith("HTTP/1.1 421");
        assertThat(exchange("GET /hello HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200");
        assertThat(exchange("GET /hello HTTP/1.0\r\n\r\n"))
                .startsWith("HTTP/1.1 200")
                .endsWith("hello");
        assertThat(exchange("GET /hello HTTP/1.1\r\nHost: localhost\r\nX-Thing : a\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        // a folded line that a proxy in front may read as a header of its own (a framing header, say)
        assertThat(exchange(
                        "GET /header HTTP/1.1\r\nHost: localhost\r\nX-Thing: a\r\n Transfer-Encoding: chunked\r\n\r\n"))
                .startsWith("HTTP/1.1 400")
                .contains("folding");
        assertThat(exchange("GET /header HTTP/1.1\r\nHost: localhost\r\nX-Thing: a\r\n\tb\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        // a space or tab inside a value, and a body after the head, are not folds
        assertThat(exchange(
                        "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Thing: a \tb\r\n"
                                + "Content-Length: 5\r\nConnection: close\r\n\r\n\n a\n\t"))
                .startsWith("HTTP/1.1 200")
                .endsWith("\n a\n\t");
        assertThat(exchange("GET /hello\u0000x HTTP/1.1\r\nHost: localhost\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        assertThat(exchange("GET /hello\u007f HTTP/1.1\r\nHost: localhost\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        assertThat(exchange("GET http://rebound.example/hello HTTP/1.1\r\nHost: localhost\r\n\r\n"))
                .startsWith("HTTP/1.1 421");
        assertThat(exchange("GET http://localhost/hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200")
                .endsWith("hello");
        assertThat(
                        exchange(
                                "GET /hello HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer a\r\nAuthorization: Bearer b\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        assertThat(exchange("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 9223372036854775807\r\n\r\n"))
                .startsWith("HTTP/1.1 413");
        assertThat(exchange("G(T /hello HTTP/1.1\r\nHost: localhost\r\n\r\n")).startsWith("HTTP/1.1 400");
        StringBuilder many = new StringBuilder("GET /hello HTTP/1.1\r\nHost: localhost\r\n");
        for (int i = 0; i < 201; i++) {
            many.append("X-").append(i).append(": a\r\n");
        }
        assertThat(exchange(many + "\r\n")).startsWith("HTTP/1.1 431");
        assertThat(exchange("GET /hello HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(70_000) + "\r\n\r\n"))
                .startsWith("HTTP/1.1 431");
    }

    @Test
    void expectationsAreDecidedAfterTheLimits() throws Exception {
        assertThat(
                        exchange(
                                "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2000000\r\nExpect: 100-continue\r\n\r\n"))
                .startsWith("HTTP/1.1 413")
                .doesNotContain("100 Continue")
                .contains("\"status\":413");
        assertThat(exchange("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nExpect: 200-ok\r\n\r\n"))
                .startsWith("HTTP/1.1 417");
    }

    @Test
    void slowAndSilentClientsAreCutOffByOverallDeadlines() throws Exception {
        HttpSettings strict = HttpSettings.of("127.0.0.1", 0)
                .withTimeouts(Duration.ofMillis(1500), Duration.ofMillis(1500), Duration.ofMillis(1500));
        try (HttpService quick = HttpService.start(
                strict,
                new Router(AccessControl.open())
                        .get("/hello", Role.PUBLIC, req -> Response.text(200, "text/plain", "hello")))) {
            // a head trickled a byte every 200 ms: more bytes keep coming, the deadline does not move
            try (Socket s = new Socket("127.0.0.1", quick.port())) {
                s.setSoTimeout(10_000);
                long start = System.nanoTime();
                String head = "GET /hello HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "a".repeat(100);
                String answer = null;
                for (int i = 0; i < head.length() && answer == null; i++) {
                    try {
                        send(s, head.substring(i, i + 1));
                    } catch (IOException closed) {
                        break;
                    }
                    Thread.sleep(200);
                    try {
                        if (s.getInputStream().available() > 0) {
                            answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                        }
                    } catch (java.net.SocketException reset) {
                        break; // the server closed and our next byte met a reset: cut off
                    }
                }
                long elapsedMs = (System.nanoTime() - start) / 1_000_000;
                assertThat(elapsedMs)
                        .as("cut off near the 1.5 s header deadline, not after the 20 s the bytes take")
                        .isLessThan(8_000);
                if (answer != null) {
                    assertThat(answer).startsWith("HTTP/1.1 408");
                }
            }
            // a body that stops short of its length
            try (Socket s = new Socket("127.0.0.1", quick.port())) {
                s.setSoTimeout(10_000);
                send(s, "POST /hello HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n0123456789");
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                        .startsWith("HTTP/1.1 408");
            }
            // a connection that never says anything, and one kept alive after an answer
            try (Socket s = new Socket("127.0.0.1", quick.port())) {
                s.setSoTimeout(10_000);
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
            try (Socket s = new Socket("127.0.0.1", quick.port())) {
                s.setSoTimeout(10_000);
                send(s, "GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertThat(readResponse(s.getInputStream())).endsWith("hello");
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
        }
    }

    @Test
    void connectionsBeyondTheCapAreRefusedWhileOpenOnesAreServed() throws Exception {
        try (HttpService capped = HttpService.start(
                HttpSettings.of("127.0.0.1", 0).withMaxConnections(3),
                new Router(AccessControl.open())
                        .get("/hello", Role.PUBLIC, req -> Response.text(200, "text/plain", "hello")))) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket s = new Socket("127.0.0.1", capped.port());
                    s.setSoTimeout(10_000);
                    held.add(s);
                }
                send(held.get(0), "GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertThat(readResponse(held.get(0).getInputStream())).endsWith("hello");
                for (int i = 0; i < 5; i++) {
                    try (Socket extra = new Socket("127.0.0.1", capped.port())) {
                        extra.setSoTimeout(10_000);
                        assertThat(new String(extra.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                                .startsWith("HTTP/1.1 503")
                                .contains("too many connections");
                    }
                }
                send(held.get(0), "GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertThat(readResponse(held.get(0).getInputStream())).endsWith("hello");
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    /** Sends {@code raw} on a new connection and reads until the server closes it (or 10 s pass). */
    private static String exchange(String raw) throws IOException {
        try (Socket s = socket()) {
            send(s, raw);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            try {
                s.getInputStream().transferTo(all);
            } catch (java.net.SocketException reset) {
                // a close with unread request bytes resets the connection; what was answered is in `all`
            }
            return all.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static Socket socket() throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(10_000);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Status line and headers, up to the empty line. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
            b.write(c);
            String s = b.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r\n\r\n")) {
                return s;
            }
        }
    }

    /** One response with a Content-Length body. */
    private static String readResponse(InputStream in) throws IOException {
        String head = readHead(in);
        int at = head.indexOf("Content-Length: ") + "Content-Length: ".length();
        int length = Integer.parseInt(head.substring(at, head.indexOf("\r\n", at)));
        return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }
}
