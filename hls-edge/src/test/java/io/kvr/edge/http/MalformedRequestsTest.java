package io.kvr.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.edge.Edge;
import io.kvr.edge.EdgeConfig;
import io.kvr.http.HttpService;
import io.kvr.http.Router;
import io.kvr.http.access.AccessControl;
import io.kvr.index.IndexedSegment;
import io.kvr.index.SegmentIndex;
import io.kvr.index.StreamSummary;
import io.kvr.runtime.config.Settings;
import io.kvr.schemas.SegmentRecord;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every malformed request gets its 4xx with a JSON reason, never a 5xx. The requests are written raw to a
 * socket, so paths reach the server exactly as given (no client-side normalisation).
 */
class MalformedRequestsTest {
    private static final long T0 = 1_700_000_000_000L;
    private static HttpService server;

    /** An index holding 10 two-second segments of live/cam from T0. */
    static final class TenSegments implements SegmentIndex {
        private final List<IndexedSegment> segments = new ArrayList<>();

        TenSegments() {
            for (int i = 0; i < 10; i++) {
                long start = T0 + i * 2000L;
                segments.add(new IndexedSegment(
                        i,
                        0,
                        SegmentRecord.newBuilder()
                                .setStreamId("live/cam")
                                .setIngestSessionId("s")
                                .setSequence(i * 50L)
                                .setStartTimeMs(start)
                                .setEndTimeMs(start + 2000)
                                .setDurationMs(2000)
                                .setMediaStartTime(0)
                                .setMediaDuration(180000)
                                .setTimescale(90000)
                                .setByteSize(1000)
                                .setBucket("kvr")
                                .setObjectKey("live/cam/2023/11/14/22/s-" + String.format("%010d", i * 50) + ".m4s")
                                .setInitKey("live/cam/init/s-abc.mp4")
                                .setCodecs("avc1.42c01e")
                                .setWidth(640)
                                .setHeight(360)
                                .setMoofOffset(0)
                                .setMoofSize(0)
                                .setMdatOffset(0)
                                .setMdatSize(0)
                                .build()));
            }
        }

        @Override
        public List<StreamSummary> streams() {
            return List.of(new StreamSummary("live/cam", T0, T0 + 20_000, 10, "avc1.42c01e", 640, 360, "s"));
        }

        @Override
        public List<IndexedSegment> latest(String streamId, int limit) {
            return streamId.equals("live/cam") ? segments.subList(Math.max(0, 10 - limit), 10) : List.of();
        }

        @Override
        public List<IndexedSegment> range(String streamId, long startMs, long endMs) {
            return segments.stream()
                    .filter(s -> streamId.equals("live/cam")
                            && s.segment().getEndTimeMs() > startMs
                            && s.segment().getStartTimeMs() < endMs)
                    .toList();
        }
    }

    @BeforeAll
    static void start() {
        Settings settings = Settings.of(Map.of(
                "s3.endpoint", "http://127.0.0.1:9", "s3.access.key", "a", "s3.secret.key", "b", "http.port", "0"));
        server = HttpService.start(
                "127.0.0.1",
                0,
                new Router(AccessControl.open()).include(new Edge(EdgeConfig.from(settings), new TenSegments())));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            GET    | /live/nosuch/index.m3u8                                           | 404
            GET    | /live/nosuch/master.m3u8                                          | 404
            GET    | /live/nosuch/playlist.m3u8?start_time=1700000000000&duration=5000 | 404
            GET    | /live/cam/playlist.m3u8                                           | 400
            GET    | /live/cam/playlist.m3u8?start_time=1700000000000                  | 400
            GET    | /live/cam/playlist.m3u8?start_time=abc&end_time=1700000005000     | 400
            GET    | /live/cam/playlist.m3u8?start_time=1700000000000&end_time=xyz     | 400
            GET    | /live/cam/playlist.m3u8?start_time=-5&end_time=1700000005000      | 400
            GET    | /live/cam/playlist.m3u8?start_time=1700000005000&end_time=1700000000000 | 400
            GET    | /live/cam/playlist.m3u8?start_time=1700000000000&end_time=1700000000000 | 400
            GET    | /live/cam/playlist.m3u8?start_time=1700000000000&duration=0       | 400
            GET    | /live/cam/playlist.m3u8?start_time=1700000000000&duration=-1      | 400
            GET    | /live/cam/playlist.m3u8?start_time=1700000000000&duration=86400001 | 400
            GET    | /live/cam/playlist.m3u8?start_time=99999999999999999999&duration=5 | 400
            GET    | /live/cam/playlist.m3u8?start_time=1.5e12&duration=5000           | 400
            GET    | /live/cam/playlist.m3u8?start_time=1600000000000&duration=5000    | 404
            GET    | /live/cam/playlist.m3u8&start_time=abc                            | 400
            GET    | /live/cam/index.m3u8?dvr=2                                        | 400
            GET    | /live/cam/recordings                                              | 404
            GET    | /v1/streams/live/cam/recordings?start_time=x                      | 400
            GET    | /v1/streams/live/cam/recordings?start_time=5&end_time=4           | 400
            GET    | /v1/streams/li..ve/cam/recordings                                 | 404
            GET    | /v1/streams/../cam/recordings                                     | 400
            GET    | /../../etc/passwd                                                 | 400
            GET    | /live/cam/../../../etc/passwd                                     | 404
            GET    | /live/cam/%2e%2e/%2e%2e/etc/passwd                                | 404
            GET    | /%2e%2e/cam/index.m3u8                                            | 400
            GET    | /live/ca%00m/index.m3u8                                           | 400
            GET    | /live/ca%0Am/index.m3u8                                           | 400
            GET    | /live/cam/2023/11/14/22/x.exe                                     | 404
            GET    | /live/cam/init/../../other/init/x.mp4                             | 404
            GET    | /live/cam/2023/11/14/22/a%2Fb.m4s                                 | 404
            GET    | /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/cam/index.m3u8 | 400
            POST   | /live/cam/index.m3u8                                              | 405
            DELETE | /v1/streams                                                       | 405
            GET    | /assets/../../pom.xml                                             | 400
            GET    | /assets/nosuch.js                                                 | 404
            GET    | /live/cam/playlist.m3u8?start_time=&end_time=1700000005000        | 400
            GET    | /live/cam/playlist.m3u8?start_time=1700000000000&end_time=        | 400
            GET    | /live/cam/playlist.m3u8?start_time=1700000000000&duration=abc     | 400
            GET    | /live/cam/playlist.m3u8?start_time=0x10&duration=5000             | 400
            GET    | /live/cam/playlist.m3u8?start_time=%201700000000000&duration=5000 | 400
            GET    | /live/cam/playlist.m3u8?start_time=1700000000000%00&duration=5000 | 400
            GET    | /live/cam/playlist.m3u8?start_time=1700000000000&end_time=-1700000005000 | 400
            GET    | /live/cam/playlist.m3u8?start_time=1700000000000&end_time=1700086400001 | 400
            GET    | /live/cam/playlist.m3u8?start_time=1700000000000&duration=999999999999999999999 | 400
            GET    | /live/cam/playlist.m3u8?end_time=1700000005000                    | 400
            GET    | /live/cam/playlist.m3u8?start_time=1700000005000&end_time=1700000000000&duration=5000 | 400
            GET    | /live/cam/index.m3u8?dvr=abc                                      | 400
            GET    | /live/../index.m3u8                                               | 400
            GET    | /live/./index.m3u8                                                | 400
            GET    | /live/a%2Fb/index.m3u8                                            | 404
            GET    | /live/a%5Cb/index.m3u8                                            | 400
            GET    | /live/ca%09m/index.m3u8                                           | 400
            GET    | /live/ca%7Fm/index.m3u8                                           | 400
            GET    | /live/ca%1Bm/playlist.m3u8?start_time=1700000000000&duration=5000 | 400
            GET    | /li%0Dve/cam/master.m3u8                                          | 400
            GET    | /live/cam/2023/13/40/99/s-0000000000.m4s                          | 404
            GET    | /live/cam/2023/11/14/22/..%2F..%2Fx.m4s                           | 404
            GET    | /live/cam/2023/11/14/22/s-0000000000.m4s?prefix=../other          | 400
            GET    | /live/cam/2023/11/14/22/s-0000000000.m4s?prefix=a%00b             | 400
            GET    | /live/cam/init/..%2F..%2Fx.mp4                                    | 404
            GET    | /live/cam/init/s%00abc.mp4                                        | 404
            GET    | /v1/streams/live/nosuch/recordings                                | 404
            GET    | /v1/streams/live/ca%00m/recordings                                | 400
            GET    | /v1/streams/live/cam/recordings?start_time=1700000000000&end_time=1700000000000 | 400
            PUT    | /live/cam/2023/11/14/22/s-0000000000.m4s                          | 405
            """)
    void malformedRequestsGetA4xxWithAReason(String method, String path, int status) throws Exception {
        String[] response = rawRequest(method, path);
        assertThat(Integer.parseInt(response[0])).as(response[1]).isEqualTo(status);
        assertThat(response[1]).contains("\"error\"");
    }

    @org.junit.jupiter.api.Test
    void everyControlCharacterInANameOrARangeIsA4xxNeverA5xx() throws Exception {
        List<String> paths = new ArrayList<>();
        for (int c = 0; c < 0x20; c++) {
            paths.add(String.format("/live/c%%%02Xam/index.m3u8", c));
            paths.add(String.format("/li%%%02Xve/cam/playlist.m3u8?start_time=1700000000000&duration=5000", c));
            paths.add(String.format("/live/cam/playlist.m3u8?start_time=1700000000000&duration=50%%%02X00", c));
            paths.add(String.format("/live/cam/2023/11/14/22/s-%%%02X.m4s", c));
        }
        paths.add("/live/c%7Fam/index.m3u8");
        for (String path : paths) {
            String[] response = rawRequest("GET", path);
            assertThat(Integer.parseInt(response[0]))
                    .as("%s: %s", path, response[1])
                    .isBetween(400, 499);
        }
    }

    /**
     * Hostile time values on every route that parses a range (the playlist, its {@code &}-glued form, the recordings
     * listing): overflowing, negative, exponent, hex, empty, very long, past year 9999, zero durations, inverted
     * ranges. Each is a 400 with a reason, never a 500.
     */
    @ParameterizedTest(name = "{0}?{1}")
    @CsvSource(delimiter = '|', textBlock = """
            /live/cam/playlist.m3u8  | start_time=9223372036854775807&duration=1
            /live/cam/playlist.m3u8  | start_time=9223372036854775807&duration=9223372036854775807
            /live/cam/playlist.m3u8  | start_time=1&duration=9223372036854775807
            /live/cam/playlist.m3u8  | start_time=-9223372036854775808&duration=5000
            /live/cam/playlist.m3u8  | start_time=-9223372036854775808&end_time=9223372036854775807
            /live/cam/playlist.m3u8  | start_time=0&end_time=9223372036854775807
            /live/cam/playlist.m3u8  | start_time=-1&duration=5000
            /live/cam/playlist.m3u8  | start_time=1e3&duration=5000
            /live/cam/playlist.m3u8  | start_time=1700000000000&duration=1e3
            /live/cam/playlist.m3u8  | start_time=&duration=5000
            /live/cam/playlist.m3u8  | start_time=1700000000000&duration=
            /live/cam/playlist.m3u8  | start_time=0x10&end_time=0x20
            /live/cam/playlist.m3u8  | start_time=%2B1700000000000&duration=5000
            /live/cam/playlist.m3u8  | start_time=170000000000000000000000000000000000000000000000000000000000&duration=5
            /live/cam/playlist.m3u8  | start_time=253402300799999&duration=1
            /live/cam/playlist.m3u8  | start_time=253402300800000&duration=1
            /live/cam/playlist.m3u8  | start_time=253402300799998&end_time=253402300800001
            /live/cam/playlist.m3u8  | start_time=1700000000000&duration=0
            /live/cam/playlist.m3u8  | start_time=1700000000000&duration=00
            /live/cam/playlist.m3u8  | start_time=1700000005000&end_time=1700000000000
            /live/cam/playlist.m3u8  | start_time=1700000000000&end_time=1700000000000
            /live/cam/playlist.m3u8&start_time=9223372036854775807&duration=1 |
            /live/cam/playlist.m3u8&start_time=-1&duration=5000 |
            /v1/streams/live/cam/recordings | start_time=9223372036854775807&duration=1
            /v1/streams/live/cam/recordings | start_time=9223372036854775807
            /v1/streams/live/cam/recordings | end_time=9223372036854775807
            /v1/streams/live/cam/recordings | start_time=-9223372036854775808
            /v1/streams/live/cam/recordings | start_time=0&end_time=253402300799999
            /v1/streams/live/cam/recordings | start_time=1e3
            /v1/streams/live/cam/recordings | start_time=1700000000000&duration=0
            /v1/streams/live/cam/recordings | start_time=1700000000000&duration=-1
            /v1/streams/live/cam/recordings | end_time=0x10
            """)
    void hostileTimesAre400NeverA500(String path, String query) throws Exception {
        String target = query == null || query.isEmpty() ? path : path + "?" + query;
        String[] response = rawRequest("GET", target);
        assertThat(Integer.parseInt(response[0]))
                .as("%s: %s", target, response[1])
                .isEqualTo(400);
        assertThat(response[1]).contains("\"error\"").doesNotContain("internal error");
    }

    @org.junit.jupiter.api.Test
    void aVeryLongDigitStringIs400() throws Exception {
        String digits = "9".repeat(4000);
        for (String target : List.of(
                "/live/cam/playlist.m3u8?start_time=" + digits + "&duration=5000",
                "/live/cam/playlist.m3u8?start_time=1700000000000&duration=" + digits,
                "/v1/streams/live/cam/recordings?end_time=" + digits)) {
            assertThat(rawRequest("GET", target)[0]).as(target).isEqualTo("400");
        }
    }

    @org.junit.jupiter.api.Test
    void anUnparseableUriIsRefusedBeforeRouting() throws Exception {
        // refused before any route sees it, with the reason phrase of the status in the reason
        String[] response = rawRequest("GET", "/live/%zz/index.m3u8");
        assertThat(response[0]).isEqualTo("400");
        assertThat(response[1]).contains("Bad Request");
    }

    @ParameterizedTest(name = "{0} -> 200")
    @CsvSource(delimiter = '|', textBlock = """
            /live/cam/index.m3u8
            /live/cam/index.m3u8?dvr=1
            /live/cam/master.m3u8
            /live/cam/playlist.m3u8?start_time=1700000001000&end_time=1700000005000
            /live/cam/playlist.m3u8?start_time=1700000001000&duration=4000
            /live/cam/playlist.m3u8&start_time=1700000001000&duration=4000
            /v1/streams/live/cam/recordings?start_time=1700000000000&end_time=1700000030000
            """)
    void wellFormedRequestsAreServed(String path) throws Exception {
        assertThat(rawRequest("GET", path)[0]).isEqualTo("200");
    }

    /** Status code and body of a raw HTTP/1.1 request. */
    private static String[] rawRequest(String method, String path) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path
                            + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String status = text.split(" ", 3)[1];
            int bodyAt = text.indexOf("\r\n\r\n");
            return new String[] {status, bodyAt < 0 ? "" : text.substring(bodyAt + 4)};
        }
    }
}
