package io.kvr.bridge.rtspserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvr.bridge.BridgeConfig;
import io.kvr.bridge.IngestBridge;
import io.kvr.runtime.config.Settings;
import io.kvr.testsupport.rig.EmbeddedRig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
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
 * The RTSP server against an attacker writing raw bytes to its port: each malformed request gets its RTSP status
 * or a clean close, a byte-a-second sender is cut off by {@code rtsp.request.timeout}, a thousand connections at
 * once are held to {@code rtsp.max.connections}; afterwards the server still answers and no connection, session or
 * recording thread is left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RtspHostileRequestsIT {
    private static final int MAX_CONNECTIONS = 50;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private static final String SDP = PublishSessionTest.SDP;

    @TempDir
    static Path data;

    private static EmbeddedRig rig;
    private static IngestBridge bridge;
    private static final MeterRegistry metrics = new SimpleMeterRegistry();
    private static int port;

    @BeforeAll
    static void start() {
        rig = EmbeddedRig.start(data, 1);
        Map<String, String> s = new HashMap<>(rig.settings());
        s.put("rtsp.enabled", "true");
        s.put("rtsp.host", "127.0.0.1");
        s.put("rtsp.port", "0");
        s.put("rtsp.request.timeout", REQUEST_TIMEOUT.toMillis() + "ms");
        s.put("rtsp.max.connections", Integer.toString(MAX_CONNECTIONS));
        s.put("publish.open", "true");
        bridge = IngestBridge.start(BridgeConfig.from(Settings.of(s)), metrics);
        port = bridge.rtspPort().orElseThrow();
    }

    @AfterAll
    static void stop() {
        if (bridge != null) {
            bridge.close();
        }
        if (rig != null) {
            rig.close();
        }
    }

    /** What the server must do with a row's bytes. */
    record Expect(List<Integer> statuses, boolean serverCloses) {
        /** These answers, the connection left open. */
        static Expect answers(Integer... statuses) {
            return new Expect(List.of(statuses), false);
        }

        /** These answers (maybe none), then the server closes the connection. */
        static Expect closes(Integer... statuses) {
            return new Expect(List.of(statuses), true);
        }

        @Override
        public String toString() {
            return statuses + (serverCloses ? " then close" : "");
        }
    }

    /** One attack: bytes written in one go (or as given), then, if {@code peerCloses}, the writing side shut. */
    record Row(String name, List<byte[]> writes, boolean peerCloses, Expect expect) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Row row(String name, String request, Expect expect) {
        return new Row(name, List.of(ascii(request)), false, expect);
    }

    private static Row row(String name, byte[] request, Expect expect) {
        return new Row(name, List.of(request), false, expect);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String url(String path) {
        return "rtsp://127.0.0.1:" + port + path;
    }

    private static String options(int cseq) {
        return "OPTIONS " + url("/") + " RTSP/1.0\r\nCSeq: " + cseq + "\r\n\r\n";
    }

    private static String announce(String path, int cseq) {
        return announce(path, cseq, SDP);
    }

    private static String announce(String path, int cseq, String sdp) {
        return "ANNOUNCE " + url(path) + " RTSP/1.0\r\nCSeq: " + cseq + "\r\nContent-Type: application/sdp\r\n"
                + "Content-Length: " + sdp.getBytes(StandardCharsets.ISO_8859_1).length + "\r\n\r\n" + sdp;
    }

    private static String setup(String path, int cseq, String transport) {
        return "SETUP " + url(path) + " RTSP/1.0\r\nCSeq: " + cseq + "\r\nTransport: " + transport + "\r\n\r\n";
    }

    private static String tcp(int a, int b) {
        return "RTP/AVP/TCP;unicast;interleaved=" + a + "-" + b + ";mode=record";
    }

    private static byte[] frame(int channel, int length) {
        byte[] f = new byte[4 + length];
        f[0] = '$';
        f[1] = (byte) channel;
        f[2] = (byte) (length >> 8);
        f[3] = (byte) length;
        Arrays.fill(f, 4, f.length, (byte) 0x5a);
        return f;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    static Stream<Row> rows() {
        List<Row> rows = new ArrayList<>();
        String opt = url("/");
        // request lines
        rows.add(row("no request line, only text", "hello\r\n\r\n", Expect.closes(400)));
        rows.add(row("request line without version", "OPTIONS " + opt + "\r\nCSeq: 1\r\n\r\n", Expect.closes(400)));
        rows.add(row("unknown method", "BREW " + opt + " RTSP/1.0\r\nCSeq: 1\r\n\r\n", Expect.answers(405)));
        rows.add(row("PLAY before SETUP", "PLAY " + opt + " RTSP/1.0\r\nCSeq: 1\r\n\r\n", Expect.answers(455)));
        rows.add(row("DESCRIBE of no stream", "DESCRIBE " + opt + " RTSP/1.0\r\nCSeq: 1\r\n\r\n", Expect.answers(404)));
        rows.add(row("HTTP GET", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", Expect.closes(400)));
        rows.add(row("RTSP/9.9", "OPTIONS " + opt + " RTSP/9.9\r\nCSeq: 1\r\n\r\n", Expect.closes(505)));
        rows.add(row("RTSP/one", "OPTIONS " + opt + " RTSP/one\r\nCSeq: 1\r\n\r\n", Expect.closes(400)));
        rows.add(row(
                "request line of 6 KiB",
                "OPTIONS " + url("/" + "a".repeat(6000)) + " RTSP/1.0\r\nCSeq: 1\r\n\r\n",
                Expect.closes(400)));
        // headers
        rows.add(row(
                "header of 9 KiB",
                "OPTIONS " + opt + " RTSP/1.0\r\nCSeq: 1\r\nX: " + "b".repeat(9000) + "\r\n\r\n",
                Expect.closes()));
        rows.add(row(
                "header block without end, over 8 KiB",
                "OPTIONS " + opt + " RTSP/1.0\r\n" + "X-Filler: 1\r\n".repeat(1000),
                Expect.closes()));
        rows.add(row(
                "header without colon",
                "OPTIONS " + opt + " RTSP/1.0\r\nCSeq: 1\r\nNoColonHere\r\n\r\n",
                Expect.closes(400)));
        rows.add(row("missing CSeq", "OPTIONS " + opt + " RTSP/1.0\r\n\r\n", Expect.closes(400)));
        rows.add(row(
                "duplicate CSeq", "OPTIONS " + opt + " RTSP/1.0\r\nCSeq: 1\r\nCSeq: 2\r\n\r\n", Expect.closes(400)));
        rows.add(row("negative CSeq", "OPTIONS " + opt + " RTSP/1.0\r\nCSeq: -1\r\n\r\n", Expect.closes(400)));
        rows.add(row(
                "CSeq of 30 digits",
                "OPTIONS " + opt + " RTSP/1.0\r\nCSeq: " + "9".repeat(30) + "\r\n\r\n",
                Expect.closes(400)));
        rows.add(row("CSeq not a number", "OPTIONS " + opt + " RTSP/1.0\r\nCSeq: one\r\n\r\n", Expect.closes(400)));
        rows.add(row(
                "negative Content-Length",
                "OPTIONS " + opt + " RTSP/1.0\r\nCSeq: 1\r\nContent-Length: -5\r\n\r\n",
                Expect.closes()));
        rows.add(row(
                "duplicate Content-Length",
                "OPTIONS " + opt + " RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
                Expect.closes()));
        rows.add(row(
                "Content-Length of 20 digits",
                "OPTIONS " + opt + " RTSP/1.0\r\nCSeq: 1\r\nContent-Length: " + "9".repeat(20) + "\r\n\r\n",
                Expect.closes()));
        rows.add(row(
                "Content-Length over 64 KiB",
                "OPTIONS " + opt + " RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 70000" + "\r\n\r\n",
                Expect.closes()));
        rows.add(row(
                "Content-Length not a number",
                "OPTIONS " + opt + " RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 0x10\r\n\r\n",
                Expect.closes()));
        rows.add(new Row(
                "body shorter than Content-Length, then the peer closes",
                List.of(ascii("ANNOUNCE " + url("/hostile/short") + " RTSP/1.0\r\nCSeq: 1\r\nContent-Type: "
                        + "application/sdp\r\nContent-Length: 500\r\n\r\nv=0\r\n")),
                true,
                Expect.closes()));
        rows.add(row(
                "Transfer-Encoding chunked",
                "OPTIONS " + opt + " RTSP/1.0\r\nCSeq: 1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                Expect.closes()));
        rows.add(row(
                "Expect: 100-continue",
                "OPTIONS " + opt + " RTSP/1.0\r\nCSeq: 1\r\nExpect: 100-continue\r\n\r\n",
                Expect.answers(200)));
        // NUL and other bytes
        rows.add(row(
                "NUL in the method",
                concat(ascii("OPT"), new byte[] {0}, ascii("IONS " + opt + " RTSP/1.0\r\nCSeq: 1\r\n\r\n")),
                Expect.closes(400)));
        rows.add(row(
                "NUL in CSeq",
                concat(ascii("OPTIONS " + opt + " RTSP/1.0\r\nCSeq: 1"), new byte[] {0}, ascii("\r\n\r\n")),
                Expect.closes(400)));
        rows.add(row("only NUL bytes", concat(new byte[200], ascii("\r\n\r\n")), Expect.closes(400)));
        rows.add(row(
                "non-UTF-8 path",
                concat(
                        ascii("ANNOUNCE " + url("/hostile/")),
                        new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc3},
                        ascii(announce("", 1).substring(announce("", 1).indexOf(' ', 9)))),
                Expect.answers(400)));
        // paths
        rows.add(row("path traversal /../", announce("/../etc", 1), Expect.answers(400)));
        rows.add(row("path traversal inside the stream", announce("/hostile/../cam", 1), Expect.answers(404)));
        rows.add(row("encoded traversal %2e%2e", announce("/%2e%2e/cam", 1), Expect.answers(400)));
        rows.add(row("too many segments", announce("/a/b/c/d/e/f", 1), Expect.answers(404)));
        rows.add(row("%00 in the path", announce("/hostile/cam%00", 1), Expect.answers(400)));
        rows.add(row("empty path", announce("", 1), Expect.answers(404)));
        rows.add(row(
                "path *",
                "ANNOUNCE * RTSP/1.0\r\nCSeq: 1\r\nContent-Type: application/sdp\r\nContent-Length: " + SDP.length()
                        + "\r\n\r\n" + SDP,
                Expect.answers(404)));
        // bodies
        rows.add(row(
                "ANNOUNCE of text/plain",
                "ANNOUNCE " + url("/hostile/text") + " RTSP/1.0\r\nCSeq: 1\r\n"
                        + "Content-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc",
                Expect.answers(415)));
        rows.add(row(
                "SDP garbage",
                announce("/hostile/garbage-sdp", 1, "\u0001\u0002 not a description \u00ff"),
                Expect.answers(400)));
        rows.add(row(
                "SDP without a recordable track",
                announce(
                        "/hostile/no-track",
                        1,
                        "v=0\r\no=- 0 0 IN IP4 "
                                + "127.0.0.1\r\ns=x\r\nt=0 0\r\nm=application 0 RTP/AVP 107\r\na=rtpmap:107 vnd.onvif.metadata/90000"
                                + "\r\n"),
                Expect.answers(415)));
        // state
        // a SETUP that no ANNOUNCE came before is a player's: of a stream that is not live
        rows.add(row("SETUP before ANNOUNCE", setup("/hostile/s1/streamid=0", 1, tcp(0, 1)), Expect.answers(404)));
        rows.add(row(
                "RECORD before anything",
                "RECORD " + url("/hostile/r0") + " RTSP/1.0\r\nCSeq: 1\r\n\r\n",
                Expect.answers(455)));
        rows.add(row(
                "RECORD without SETUP",
                announce("/hostile/r1", 1) + "RECORD " + url("/hostile/r1") + " RTSP/1.0\r\nCSeq: 2\r\n\r\n",
                Expect.answers(200, 455)));
        rows.add(row(
                "second ANNOUNCE", announce("/hostile/a2", 1) + announce("/hostile/a3", 2), Expect.answers(200, 455)));
        rows.add(row(
                "wrong Session id",
                announce("/hostile/sess", 1) + "SETUP " + url("/hostile/sess/streamid=0")
                        + " RTSP/1.0\r\nCSeq: 2\r\nSession: 0123456789abcdef\r\nTransport: " + tcp(0, 1) + "\r\n\r\n",
                Expect.answers(200, 454)));
        rows.add(row(
                "Session on OPTIONS before any session",
                "OPTIONS " + opt + " RTSP/1.0\r\nCSeq: 1\r\nSession: 42\r\n\r\n",
                Expect.answers(454)));
        rows.add(row(
                "SETUP of the same track twice",
                announce("/hostile/twice", 1)
                        + setup("/hostile/twice/streamid=0", 2, tcp(0, 1))
                        + setup("/hostile/twice/streamid=0", 3, tcp(2, 3)),
                Expect.answers(200, 200, 455)));
        rows.add(row(
                "SETUP of a URL with no track",
                announce("/hostile/notrack", 1) + setup("/hostile/notrack/streamid=7", 2, tcp(0, 1)),
                Expect.answers(200, 404)));
        // transports
        rows.add(row(
                "interleaved=999-1000",
                announce("/hostile/t1", 1) + setup("/hostile/t1/streamid=0", 2, tcp(999, 1000)),
                Expect.answers(200, 461)));
        rows.add(row(
                "interleaved=1-1000",
                announce("/hostile/t2", 1) + setup("/hostile/t2/streamid=0", 2, tcp(1, 1000)),
                Expect.answers(200, 461)));
        rows.add(row(
                "interleaved with negative channels",
                announce("/hostile/t3", 1)
                        + setup("/hostile/t3/streamid=0", 2, "RTP/AVP/TCP;unicast;interleaved=-1--2;mode=record"),
                Expect.answers(200, 461)));
        rows.add(row(
                "interleaved=5-5",
                announce("/hostile/t4", 1) + setup("/hostile/t4/streamid=0", 2, tcp(5, 5)),
                Expect.answers(200, 461)));
        rows.add(row(
                "UDP with negative ports",
                announce("/hostile/t5", 1)
                        + setup("/hostile/t5/streamid=0", 2, "RTP/AVP;unicast;client_port=-5--4;mode=record"),
                Expect.answers(200, 461)));
        rows.add(row(
                "Transport garbage",
                announce("/hostile/t6", 1) + setup("/hostile/t6/streamid=0", 2, "\u0001\u0002;;;===;interleaved"),
                Expect.closes(200, 400)));
        rows.add(row(
                "Transport PLAY mode",
                announce("/hostile/t7", 1)
                        + setup("/hostile/t7/streamid=0", 2, "RTP/AVP/TCP;unicast;interleaved=0-1;mode=play"),
                Expect.answers(200, 461)));
        // interleaved frames
        rows.add(row(
                "$ frames before RECORD",
                concat(frame(0, 12), frame(1, 8), frame(200, 100), ascii(options(1))),
                Expect.answers(200)));
        rows.add(row(
                "$ frame of 65535 bytes before RECORD",
                concat(frame(0, 65535), ascii(options(1))),
                Expect.answers(200)));
        rows.add(new Row(
                "$ frame cut short, then the peer closes",
                List.of(Arrays.copyOf(frame(0, 1000), 100)),
                true,
                Expect.closes()));
        // framing
        rows.add(row("three pipelined OPTIONS", options(1) + options(2) + options(3), Expect.answers(200, 200, 200)));
        rows.add(row(
                "pipelined ANNOUNCE, SETUP, RECORD, TEARDOWN",
                announce("/hostile/pipelined", 1)
                        + setup("/hostile/pipelined/streamid=0", 2, tcp(0, 1))
                        + "RECORD " + url("/hostile/pipelined") + " RTSP/1.0\r\nCSeq: 3\r\n\r\n"
                        + "TEARDOWN " + url("/hostile/pipelined") + " RTSP/1.0\r\nCSeq: 4\r\n\r\n",
                Expect.closes(200, 200, 200, 200)));
        rows.add(row(
                "bare LF line ends (RFC 2326 4: CRLF)",
                "OPTIONS " + opt + " RTSP/1.0\nCSeq: 1\n\n",
                Expect.closes(400)));
        rows.add(row("blank lines before a request", "\r\n".repeat(5000) + options(1), Expect.answers(200)));
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    @Order(1)
    void eachMalformedRequestGetsItsStatusOrACleanClose(Row row) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(10_000);
            try {
                for (byte[] w : row.writes()) {
                    s.getOutputStream().write(w);
                }
                s.getOutputStream().flush();
                if (row.peerCloses()) {
                    s.shutdownOutput();
                }
            } catch (SocketException e) {
                // the server closed while the attack was still being written: the reading below says what came
            }
            InputStream in = s.getInputStream();
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < row.expect().statuses().size(); i++) {
                Integer status = readStatus(in);
                if (status == null) {
                    break;
                }
                statuses.add(status);
            }
            assertThat(statuses)
                    .as("answers to %s", row.name())
                    .isEqualTo(row.expect().statuses());
            if (row.expect().serverCloses()) {
                assertThat(closedWithin(in, Duration.ofSeconds(10)))
                        .as("%s: the server closes the connection", row.name())
                        .isTrue();
            }
        }
    }

    @Test
    @Order(2)
    void aByteASecondIsCutOffByTheRequestTimeout() throws Exception {
        byte[] request = ascii(options(1));
        long started = System.nanoTime();
        boolean cut = false;
        try (Socket s = new Socket("127.0.0.1", port)) {
            for (byte b : request) {
                try {
                    s.getOutputStream().write(b);
                    s.getOutputStream().flush();
                } catch (SocketException e) {
                    cut = true;
                    break;
                }
                // the attacker's pace: far slower than REQUEST_TIMEOUT allows for the whole request
                Thread.sleep(250);
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(cut).as("the server closed before the request was whole").isTrue();
        // request.length bytes at 4 a second would take ~15 s; cut after about REQUEST_TIMEOUT
        assertThat(took).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    @Order(3)
    void aThousandConnectionsAtOnceAreHeldToTheLimit() throws Exception {
        double refusedBefore =
                metrics.get("kvr_bridge_rtsp_refused_connections").counter().count();
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 1000; i++) {
                Socket s = new Socket();
                sockets.add(s);
                s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                assertThat(connections()).isLessThanOrEqualTo(MAX_CONNECTIONS);
            }
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(metrics.get("kvr_bridge_rtsp_refused_connections")
                                    .counter()
                                    .count())
                            .isGreaterThanOrEqualTo(refusedBefore + 1000 - MAX_CONNECTIONS));
            assertThat(connections()).isEqualTo(MAX_CONNECTIONS);
            // the refused are closed at once: most sockets read the end of the stream
            int closed = 0;
            for (Socket s : sockets) {
                s.setSoTimeout(1);
                try {
                    if (s.getInputStream().read() < 0) {
                        closed++;
                    }
                } catch (SocketTimeoutException e) {
                    // held open: one of the admitted
                } catch (SocketException e) {
                    closed++;
                }
            }
            assertThat(closed).isEqualTo(1000 - MAX_CONNECTIONS);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(connections()).isZero());
    }

    @Test
    @Order(4)
    void afterwardsTheServerAnswersAndNothingIsLeft() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(ascii(options(7)));
            assertThat(readStatus(s.getInputStream())).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(connections()).as("open connections").isZero();
            assertThat(metrics.get("kvr_bridge_rtsp_sessions").gauge().value())
                    .as("publish sessions")
                    .isZero();
            assertThat(Thread.getAllStackTraces().keySet())
                    .as("recording threads")
                    .noneMatch(t -> t.getName().startsWith("rtsp-push-"));
        });
    }

    private static int connections() {
        return (int) metrics.get("kvr_bridge_rtsp_connections").gauge().value();
    }

    /** The status code of the next answer (its head and Content-Length body read), or null at the stream's end. */
    static Integer readStatus(InputStream in) throws IOException {
        String head = readHead(in);
        if (head == null) {
            return null;
        }
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        in.readNBytes(length);
        String[] first = head.split(" ", 3);
        assertThat(first[0]).as("answer %s", head).isEqualTo("RTSP/1.0");
        return Integer.parseInt(first[1]);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            while (true) {
                int c = in.read();
                if (c < 0) {
                    return null;
                }
                b.write(c);
                byte[] a = b.toByteArray();
                int n = a.length;
                if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
                    return b.toString(StandardCharsets.ISO_8859_1);
                }
            }
        } catch (SocketException e) {
            return null; // reset by the server's close
        }
    }

    /** True when the stream ends (EOF or reset) within {@code timeout} with no more answers. */
    private static boolean closedWithin(InputStream in, Duration timeout) throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }
}
