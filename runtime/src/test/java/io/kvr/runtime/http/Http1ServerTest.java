package io.kvr.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.runtime.access.AccessControl;
import io.kvr.runtime.access.Role;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP/1.1 wire behaviour of {@link HttpService}'s server, spoken raw over sockets and through a real client. */
class Http1ServerTest {
    private static HttpService server;

    @BeforeAll
    static void start() {
        Router router = new Router(AccessControl.open())
                .get("/hello", Role.PUBLIC, req -> Response.text(200, "text/plain", "hello"))
                .post("/echo", Role.PUBLIC, req -> Response.bytes(200, "application/octet-stream", req.body()))
                .get("/header", Role.PUBLIC, req -> Response.text(200, "text/plain", req.header("x-thing").orElse("-")))
                .get("/short", Role.PUBLIC, req -> Response.stream(200, "text/plain", 10, out -> out.write(new byte[3])))
                .get("/none", Role.PUBLIC, req -> Response.empty(204))
                .get("/chunked", Role.PUBLIC, req -> Response.chunked(200, "text/plain", out -> {
                    out.write("ab".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    out.write(new byte[0]);
                    out.write("c".repeat(20).getBytes(StandardCharsets.US_ASCII));
                }))
                .get("/chunked-fails", Role.PUBLIC, req -> Response.chunked(200, "text/plain", out -> {
                    out.write("partial".getBytes(StandardCharsets.US_ASCII));
                    throw new IOException("source went away");
                }))
                .get("/boom", Role.PUBLIC, req -> {
                    throw new IllegalStateException("bug");
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
            send(s, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /header HTTP/1.1\r\nX-Thing: two\r\n\r\n"
                    + "GET /hello HTTP/1.1\r\nConnection: close\r\n\r\n");
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(all.split("HTTP/1.1 200 OK", -1)).hasSize(4);
            assertThat(all).contains("\r\n\r\nhello").contains("\r\n\r\ntwo").contains("Connection: close")
                    .contains("Content-Length: 5").contains("Date: ");
        }
    }

    @Test
    void headAnswersTheLengthWithoutTheBody() throws Exception {
        try (Socket s = socket()) {
            send(s, "HEAD /hello HTTP/1.1\r\nConnection: close\r\n\r\n");
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(all).startsWith("HTTP/1.1 200 OK").contains("Content-Length: 5").endsWith("\r\n\r\n");
        }
    }

    @Test
    void chunkedAndExpectContinueBodiesAreRead() throws Exception {
        try (Socket s = socket()) {
            send(s, "POST /echo HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n");
            assertThat(readResponse(s.getInputStream())).endsWith("abcde");
            send(s, "POST /echo HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 4\r\n"
                    + "Expect: 100-continue\r\nConnection: close\r\n\r\n");
            InputStream in = s.getInputStream();
            assertThat(readHead(in)).startsWith("HTTP/1.1 100 Continue");
            send(s, "wxyz");
            assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200").endsWith("wxyz");
        }
    }

    @Test
    void badRequestsGetA4xxAndTheConnectionCloses() throws Exception {
        List<String> answers = new ArrayList<>();
        for (String raw : List.of("NONSENSE\r\n\r\n", "GET /hello HTTP/1.1\r\nno colon here\r\n\r\n",
                "GET /hello\u0001 HTTP/1.1\r\n\r\n", "GET hello HTTP/1.1\r\n\r\n",
                "POST /echo HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n",
                "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\n\r\n", "GET /a%zz HTTP/1.1\r\nConnection: close\r\n\r\n")) {
            try (Socket s = socket()) {
                send(s, raw);
                answers.add(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1).split(" ", 3)[1]);
            }
        }
        assertThat(answers).containsExactly("400", "400", "400", "400", "413", "414", "400");
    }

    @Test
    void aBodyShorterThanAnnouncedClosesTheConnectionAndBugsAre500() throws Exception {
        try (Socket s = socket()) {
            send(s, "GET /short HTTP/1.1\r\n\r\n");
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(all).startsWith("HTTP/1.1 200").contains("Content-Length: 10");
        }
        try (Socket s = socket()) {
            send(s, "GET /boom HTTP/1.1\r\nConnection: close\r\n\r\nGET /none HTTP/1.1\r\n\r\n");
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                    .startsWith("HTTP/1.1 500").contains("internal error").doesNotContain("204");
        }
    }

    @Test
    void aBodyOfUnknownLengthGoesChunkedAndAFailedOneHasNoLastChunk() throws Exception {
        try (Socket s = socket()) {
            send(s, "GET /chunked HTTP/1.1\r\n\r\nGET /hello HTTP/1.1\r\nConnection: close\r\n\r\n");
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(all).contains("Transfer-Encoding: chunked").doesNotContain("Content-Length: 0")
                    .contains("\r\n\r\n2\r\nab\r\n14\r\n" + "c".repeat(20) + "\r\n0\r\n\r\nHTTP/1.1 200 OK")
                    .endsWith("hello");
        }
        try (Socket s = socket()) {
            send(s, "GET /chunked-fails HTTP/1.1\r\n\r\nGET /hello HTTP/1.1\r\n\r\n");
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(all).as("closed after the broken body, no last chunk, nothing more answered")
                    .endsWith("7\r\npartial\r\n").doesNotContain("hello");
        }
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.baseUrl() + "/chunked")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).isEqualTo("ab" + "c".repeat(20));
        assertThat(r.headers().firstValue("Content-Length")).isEmpty();
    }

    @Test
    void theJdkClientTalksToIt() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/hello")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("hello");
            HttpResponse<String> none = client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/none")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(none.statusCode()).isEqualTo(204);
            HttpResponse<String> echo = client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/echo"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(echo.body()).hasSize(100_000);
            HttpResponse<String> missing = client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/nope?a=b")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).contains("\"error\"");
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
