package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.video.H264Packetizer;
import io.kvr.testsupport.FFmpegTools;
import io.kvr.testsupport.JsonValues;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishers that misbehave, against the whole one-process kvr, while FFmpeg pushes a healthy stream beside them.
 * The faults are raw bytes on a socket (the attacker): garbage RTP and a frame on a channel no SETUP named (counted
 * in {@code kvr_bridge_rtsp_bad_packets_total}, or left out, and the push goes on), FU-A fragments whose end never
 * comes (the broken picture is dropped, never published: the export decodes clean), a publisher that stops sending
 * (its connection closes after {@code rtsp.session.timeout}) and a TEARDOWN in the middle of a group of pictures
 * (answered 200, the connection closes, and the units before it are recorded up to the last complete one). The
 * healthy stream's recording is one span, untouched by all of it.
 */
class RtspPublisherFaultsIT {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(2);
    private static final int HEALTHY_SECONDS = 24;
    private static final String SDP = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=fault\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1\r\n"
            + "a=control:streamid=0\r\n";

    @TempDir
    static Path data;

    static KvrServer kvr;
    static int port;
    static List<byte[]> units;

    @BeforeAll
    static void start() throws IOException {
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
                    "rtsp.enabled=true",
                    "rtsp.host=127.0.0.1",
                    "rtsp.port=0",
                    "rtsp.session.timeout=" + SESSION_TIMEOUT.toSeconds() + "s",
                    "publish.open=true"
                }),
                Map.of());
        port = kvr.bridge().rtspPort().orElseThrow();
        // the attacker's pictures: real H.264 (one slice per picture), one keyframe a second
        Path h264 = data.resolve("source.h264");
        FFmpegTools.ffmpeg(
                        Duration.ofSeconds(60),
                        "-v",
                        "error",
                        "-f",
                        "lavfi",
                        "-i",
                        "testsrc=size=320x240:rate=25",
                        "-t",
                        "12",
                        "-c:v",
                        "libopenh264",
                        "-g",
                        "25",
                        "-f",
                        "h264",
                        h264.toString())
                .orThrow();
        units = accessUnits(Files.readAllBytes(h264));
    }

    @AfterAll
    static void stop() {
        if (kvr != null) {
            kvr.close();
        }
    }

    @Test
    void faultyPublishersAreCutOffOrCountedWhileAHealthyPushGoesOn() throws Exception {
        CompletableFuture<FFmpegTools.Result> healthy = CompletableFuture.supplyAsync(() -> FFmpegTools.ffmpeg(
                Duration.ofSeconds(120),
                "-v",
                "error",
                "-re",
                "-f",
                "lavfi",
                "-i",
                "testsrc=size=320x240:rate=25",
                "-t",
                Integer.toString(HEALTHY_SECONDS),
                "-c:v",
                "libopenh264",
                "-g",
                "25",
                "-f",
                "rtsp",
                "-rtsp_transport",
                "tcp",
                url("push/healthy")));
        await("the healthy push recorded")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> listed("push", "healthy") >= 1);

        double badBefore = badPackets("push/faulty");
        try (Publisher p = Publisher.recording(url("push/faulty"))) {
            // 6 s of pictures in real time, with the faults in between
            for (int i = 0; i < 150; i++) {
                long ts = 1_000_000L + i * 3600L;
                byte[] unit = units.get(i);
                if (i == 30) {
                    p.frame(0, new byte[] {0x00, 0x01, 0x02}); // shorter than an RTP header
                    p.frame(0, garbage(400)); // version 0
                    p.frame(7, p.rtp(ts, true, new byte[] {0x65, 0x00})); // a channel no SETUP named
                }
                if (i == 60 || i == 61) {
                    p.truncated(ts, unit); // FU-A start and middle, the end never comes
                    continue;
                }
                p.send(ts, unit);
                Thread.sleep(40);
            }
            await("the bad packets counted")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> badPackets("push/faulty") >= badBefore + 2);
            assertThat(p.open()).as("the push goes on after bad packets").isTrue();
            // the two broken pictures and those after them up to the next keyframe: left out, counted
            await("the broken pictures counted")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> counter("kvr_bridge_rtsp_dropped_units_total", "push/faulty") >= 2);
            // then it stops sending: the session ends after its timeout
            assertThat(p.closedWithin(SESSION_TIMEOUT.multipliedBy(5))).isTrue();
        }
        await("the faulty push's recording")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> listed("push", "faulty") >= 2);

        try (Publisher p = Publisher.recording(url("push/teardown"))) {
            for (int i = 0; i < 90; i++) { // 3.6 s: two GOPs and part of a third
                p.send(1_000L + i * 3600L, units.get(i));
                Thread.sleep(40);
            }
            assertThat(p.teardown()).isEqualTo(200);
            assertThat(p.closedWithin(Duration.ofSeconds(10))).isTrue();
        }

        assertThat(healthy.join().ok()).as(healthy.join().describe()).isTrue();
        await("the healthy stream's last segment")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> recordedMs("push/healthy") >= (HEALTHY_SECONDS - 4) * 1000L);
        Map<String, Object> healthyRecordings = recordings("push/healthy");
        assertThat((List<?>) healthyRecordings.get("spans"))
                .as("the healthy push: one span, no hole, %s", healthyRecordings)
                .hasSize(1);

        // what the faulty publisher sent decodes clean: no broken picture was published
        Map<?, ?> faulty = (Map<?, ?>) ((List<?>) recordings("push/faulty").get("spans")).get(0);
        long start = ((Number) faulty.get("start")).longValue();
        long end = ((Number) faulty.get("end")).longValue();
        Path export = data.resolve("faulty.mp4");
        HttpResponse<Path> exported = HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                kvr.baseUrl() + "/push/faulty/export.mp4?start_time=" + start + "&end_time=" + end))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofFile(export));
        assertThat(exported.statusCode()).isEqualTo(200);
        FFmpegTools.DecodeCheck check = FFmpegTools.decodeCheck(Duration.ofSeconds(60), export.toString());
        assertThat(check.errors()).as("decoding the faulty push's export").isEmpty();

        // TEARDOWN mid-GOP: the complete GOPs before it are recorded, the open one is closed as it stands
        await("the torn-down push recorded")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> recordedMs("push/teardown") >= 3_000);
    }

    private static String url(String stream) {
        return "rtsp://127.0.0.1:" + port + "/" + stream;
    }

    private static byte[] garbage(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 37);
        }
        b[0] = 0x00; // RTP version 0
        return b;
    }

    /** Annex B H.264 cut into access units: each ends with its one slice (type 1 or 5). */
    private static List<byte[]> accessUnits(byte[] annexB) {
        List<byte[]> out = new ArrayList<>();
        ByteArrayOutputStream unit = new ByteArrayOutputStream();
        int i = nextStart(annexB, 0);
        while (i >= 0) {
            int nal = i + (annexB[i + 2] == 1 ? 3 : 4);
            int next = nextStart(annexB, nal);
            int end = next < 0 ? annexB.length : next;
            unit.writeBytes(new byte[] {0, 0, 0, 1});
            unit.write(annexB, nal, end - nal);
            int type = annexB[nal] & 0x1f;
            if (type == 1 || type == 5) {
                out.add(unit.toByteArray());
                unit.reset();
            }
            i = next;
        }
        return out;
    }

    private static int nextStart(byte[] b, int from) {
        for (int i = from; i + 3 < b.length; i++) {
            if (b[i] == 0 && b[i + 1] == 0 && (b[i + 2] == 1 || (b[i + 2] == 0 && b[i + 3] == 1))) {
                return i;
            }
        }
        return -1;
    }

    private static double badPackets(String stream) throws Exception {
        return counter("kvr_bridge_rtsp_bad_packets_total", stream);
    }

    private static double counter(String name, String stream) throws Exception {
        Pattern p = Pattern.compile(name + "\\{[^}]*stream=\"" + Pattern.quote(stream) + "\"[^}]*}\\s+([0-9.eE+-]+)");
        Matcher m = p.matcher(get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static Map<String, Object> recordings(String stream) throws Exception {
        return JsonValues.parseObject(
                get("/v1/streams/" + stream + "/recordings").body());
    }

    /** Milliseconds recorded in the stream's spans. */
    private static long recordedMs(String stream) throws Exception {
        long total = 0;
        for (Object o : (List<?>) recordings(stream).get("spans")) {
            total += ((Number) ((Map<?, ?>) o).get("duration")).longValue();
        }
        return total;
    }

    private static long listed(String app, String stream) throws Exception {
        for (Object o : (List<?>) JsonValues.parse(get("/v1/streams").body())) {
            Map<?, ?> m = (Map<?, ?>) o;
            if (app.equals(m.get("app")) && stream.equals(m.get("stream"))) {
                return ((Number) m.get("segments")).longValue();
            }
        }
        return 0;
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(kvr.baseUrl() + path))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The attacker: a publisher written byte by byte on a socket, ANNOUNCE, SETUP (interleaved 0-1), RECORD, then
     * whatever frames the test makes it send.
     */
    private static final class Publisher implements AutoCloseable {
        private static final Pattern SESSION = Pattern.compile("(?im)^Session:\\s*([^;\\r\\n]+)");
        private static final Pattern STATUS = Pattern.compile("^RTSP/1\\.0 (\\d{3})");
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final String url;
        private final H264Packetizer packetizer = new H264Packetizer();
        private int cseq;
        private int sequence;
        private String session;

        private Publisher(String url) throws IOException {
            this.url = url;
            URI u = URI.create(url);
            socket = new Socket();
            socket.connect(new InetSocketAddress(u.getHost(), u.getPort()), 5_000);
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        static Publisher recording(String url) throws IOException {
            Publisher p = new Publisher(url);
            assertThat(p.request("ANNOUNCE", url, "Content-Type: application/sdp\r\n", SDP))
                    .isEqualTo(200);
            assertThat(p.request(
                            "SETUP",
                            url + "/streamid=0",
                            "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;mode=record\r\n",
                            ""))
                    .isEqualTo(200);
            assertThat(p.request("RECORD", url, "", "")).isEqualTo(200);
            return p;
        }

        int teardown() throws IOException {
            return request("TEARDOWN", url, "", "");
        }

        private int request(String method, String uri, String headers, String body) throws IOException {
            StringBuilder r = new StringBuilder(method + " " + uri + " RTSP/1.0\r\nCSeq: " + ++cseq + "\r\n");
            if (session != null) {
                r.append("Session: ").append(session).append("\r\n");
            }
            r.append(headers);
            if (!body.isEmpty()) {
                r.append("Content-Length: ")
                        .append(body.getBytes(StandardCharsets.UTF_8).length)
                        .append("\r\n");
            }
            r.append("\r\n").append(body);
            out.write(r.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            String head = readHead();
            Matcher s = SESSION.matcher(head);
            if (s.find()) {
                session = s.group(1).strip();
            }
            Matcher status = STATUS.matcher(head);
            return status.find() ? Integer.parseInt(status.group(1)) : -1;
        }

        private String readHead() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
                byte[] h = head.toByteArray();
                int n = h.length;
                if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                    break;
                }
            }
            return head.toString(StandardCharsets.ISO_8859_1);
        }

        /** One access unit as RTP over channel 0 (RFC 6184: single NAL unit packets and FU-A). */
        void send(long timestamp, byte[] unit) throws IOException {
            packetizer.packetize(
                    new MediaFrame(timestamp, false, unit), 1_200, (marker, header, data, offset, length) -> {
                        byte[] payload = new byte[header.length + length];
                        System.arraycopy(header, 0, payload, 0, header.length);
                        System.arraycopy(data, offset, payload, header.length, length);
                        frameUnchecked(0, rtp(timestamp, marker, payload));
                    });
        }

        /** The FU-A packets of a unit but the last: a picture whose end was lost. */
        void truncated(long timestamp, byte[] unit) throws IOException {
            List<byte[]> payloads = new ArrayList<>();
            packetizer.packetize(
                    new MediaFrame(timestamp, false, unit), 300, (marker, header, data, offset, length) -> {
                        byte[] payload = new byte[header.length + length];
                        System.arraycopy(header, 0, payload, 0, header.length);
                        System.arraycopy(data, offset, payload, header.length, length);
                        payloads.add(payload);
                    });
            for (int i = 0; i < payloads.size() - 1; i++) {
                frame(0, rtp(timestamp, false, payloads.get(i)));
            }
        }

        byte[] rtp(long timestamp, boolean marker, byte[] payload) {
            byte[] p = new byte[12 + payload.length];
            p[0] = (byte) 0x80;
            p[1] = (byte) ((marker ? 0x80 : 0) | 96);
            int seq = sequence++ & 0xffff;
            p[2] = (byte) (seq >> 8);
            p[3] = (byte) seq;
            for (int i = 0; i < 4; i++) {
                p[4 + i] = (byte) (timestamp >> (24 - 8 * i));
                p[8 + i] = (byte) (0x12345678 >> (24 - 8 * i));
            }
            System.arraycopy(payload, 0, p, 12, payload.length);
            return p;
        }

        void frame(int channel, byte[] data) throws IOException {
            byte[] f = new byte[4 + data.length];
            f[0] = '$';
            f[1] = (byte) channel;
            f[2] = (byte) (data.length >> 8);
            f[3] = (byte) data.length;
            System.arraycopy(data, 0, f, 4, data.length);
            out.write(f);
        }

        private void frameUnchecked(int channel, byte[] data) {
            try {
                frame(channel, data);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** Whether the connection is still open: nothing to read, and no end of stream. */
        boolean open() throws IOException {
            socket.setSoTimeout(200);
            try {
                return in.read() >= 0;
            } catch (SocketTimeoutException e) {
                return true;
            } finally {
                socket.setSoTimeout(10_000);
            }
        }

        /** Whether the server closes the connection within {@code timeout} (what it still sends is read). */
        boolean closedWithin(Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            socket.setSoTimeout(250);
            while (System.nanoTime() < deadline) {
                try {
                    if (in.read() < 0) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    // not yet
                } catch (IOException e) {
                    return true; // reset
                }
            }
            return false;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
