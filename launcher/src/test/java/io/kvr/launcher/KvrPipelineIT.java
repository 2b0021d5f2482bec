package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvr.testsupport.FFmpegTools;
import io.kvr.testsupport.TestCamera;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton end to end: a GStreamer RTSP camera (H.264) recorded by one kvr process through the
 * embedded Kafka and S3, played back as live HLS, checked with FFmpeg; then kvr restarted on the same data dir.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KvrPipelineIT {
    private static final String STREAM = "live/cam1";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path data;

    static TestCamera camera;
    static KvrServer kvr;

    @BeforeAll
    static void start() {
        camera = TestCamera.start();
        kvr = KvrServer.start(options(), Map.of(STREAM, camera.url(TestCamera.H264)));
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

    static KvrOptions options() {
        return KvrOptions.parse(new String[] {
            "run", "--data", data.toString(), "--http", "127.0.0.1:0", "--kafka-port", "0", "--s3-port", "0"
        });
    }

    @Test
    @Order(1)
    void livePlaylistHasSegmentsOfTheTargetDurationCloseToTheWallClock() throws Exception {
        String url = kvr.baseUrl() + "/" + STREAM + "/index.m3u8";
        await().atMost(Duration.ofSeconds(45))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> segments(playlistOrEmpty(url)).size() >= 3);
        String playlist = get(url).body();
        assertThat(playlist).startsWith("#EXTM3U").contains("#EXT-X-VERSION:7").contains("#EXT-X-MAP:URI=");
        List<Segment> segments = segments(playlist);
        assertThat(segments).allSatisfy(s -> assertThat(s.seconds()).isBetween(1.5, 2.5));

        // when a new segment appears, its start is close to the wall clock (2 s of media + latency): live, not
        // replayed from long ago. The bound holds on a loaded 2-core machine (a run beside other builds saw 4.2 s);
        // how close it is on a quiet one is measured by ./dev/bench --scenario segmenter (segment-visible
        // latency), not here. The best of three arrivals, so one scheduling hiccup does not decide
        Duration best = null;
        String before = segments.get(segments.size() - 1).uri();
        for (int i = 0; i < 3; i++) {
            String previous = before;
            AtomicReference<Segment> newest = new AtomicReference<>();
            AtomicReference<Instant> seenAt = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        List<Segment> now = segments(playlistOrEmpty(url));
                        Segment last = now.get(now.size() - 1);
                        if (last.uri().equals(previous)) {
                            return false;
                        }
                        newest.set(last);
                        seenAt.set(Instant.now());
                        return true;
                    });
            Duration age = Duration.between(newest.get().programDateTime(), seenAt.get());
            assertThat(age).isGreaterThan(Duration.ofSeconds(-1));
            best = best == null || age.compareTo(best) < 0 ? age : best;
            before = newest.get().uri();
        }
        assertThat(best).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    @Order(2)
    void ffmpegDecodesTheLivePlaylistWithoutErrors() {
        String url = kvr.baseUrl() + "/" + STREAM + "/index.m3u8";
        var result = FFmpegTools.decode(Duration.ofSeconds(60), url, "-t", "5");
        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.stderr()).as("ffmpeg errors").isBlank();
        var probe = FFmpegTools.probe(url);
        assertThat(probe.codecNames()).contains("h264");
        assertThat(probe.firstStream("video").orElseThrow())
                .containsEntry("width", 640L)
                .containsEntry("height", 360L);
    }

    @Test
    @Order(3)
    void segmentsAreServedWithRangesAndBadNamesAreRefused() throws Exception {
        String url = kvr.baseUrl() + "/" + STREAM + "/index.m3u8";
        Segment s = segments(get(url).body()).get(0);
        String segmentUrl = kvr.baseUrl() + "/" + STREAM + "/" + s.uri();
        HttpResponse<byte[]> whole = HTTP.send(
                HttpRequest.newBuilder(URI.create(segmentUrl)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        HttpResponse<byte[]> part = HTTP.send(
                HttpRequest.newBuilder(URI.create(segmentUrl))
                        .header("Range", "bytes=4-11")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(new String(part.body())).isEqualTo("stypmsdh");

        assertThat(get(kvr.baseUrl() + "/live/nosuchcam/index.m3u8").statusCode())
                .isEqualTo(404);
        assertThat(get(kvr.baseUrl() + "/live/cam1/../../etc/passwd").statusCode())
                .isBetween(400, 404);
        assertThat(get(kvr.baseUrl() + "/live/cam1/2026/01/01/00/x.mp4").statusCode())
                .isEqualTo(404);
        assertThat(get(kvr.baseUrl() + "/li%00ve/cam1/index.m3u8").statusCode()).isEqualTo(400);
        assertThat(get(kvr.baseUrl() + "/health").statusCode()).isEqualTo(200);
        assertThat(get(kvr.baseUrl() + "/metrics").body()).contains("kvr_segmenter_segments_total");
        assertThat(get(kvr.baseUrl() + "/").body()).contains("/assets/hls.min.js");
        assertThat(get(kvr.baseUrl() + "/assets/hls.min.js").statusCode()).isEqualTo(200);
        assertThat(get(kvr.baseUrl() + "/v1/streams").body())
                .contains("\"app\":\"live\"")
                .contains("\"stream\":\"cam1\"");
    }

    @Test
    @Order(4)
    void theRecordingsApiListsTheRecordedSpan() throws Exception {
        String base = kvr.baseUrl() + "/v1/streams/live/cam1/recordings";
        var all = (java.util.Map<?, ?>)
                io.kvr.testsupport.JsonValues.parse(get(base).body());
        var spans = (List<?>) all.get("spans");
        assertThat(spans).hasSize(1);
        var span = (java.util.Map<?, ?>) spans.get(0);
        assertThat((Long) span.get("duration")).isGreaterThanOrEqualTo(6000L);
        long start = (Long) span.get("start");
        var window = (java.util.Map<?, ?>) io.kvr.testsupport.JsonValues.parse(
                get(base + "?start_time=" + (start - 10_000) + "&end_time=" + (start + 2000))
                        .body());
        assertThat((List<?>) window.get("gaps")).first().asString().contains("no recording");

        assertThat(get(base + "?start_time=abc").statusCode()).isEqualTo(400);
        assertThat(get(base + "?start_time=10&end_time=5").statusCode()).isEqualTo(400);
        assertThat(get(base + "?start_time=10&end_time=10").statusCode()).isEqualTo(400);
        assertThat(get(kvr.baseUrl() + "/v1/streams/live/nosuch/recordings").statusCode())
                .isEqualTo(404);
    }

    @Test
    @Order(4)
    void rangeAndTimeShiftPlaylistsPlayInFfmpeg() throws Exception {
        String live = kvr.baseUrl() + "/" + STREAM + "/index.m3u8";
        List<Segment> segments = segments(get(live).body());
        long start = segments.get(0).programDateTime().toEpochMilli() + 1000;
        long duration = 4000;
        String range = kvr.baseUrl() + "/" + STREAM + "/playlist.m3u8?start_time=" + start + "&duration=" + duration;
        String vod = get(range).body();
        assertThat(vod).contains("#EXT-X-PLAYLIST-TYPE:VOD").endsWith("#EXT-X-ENDLIST\n");
        List<Segment> inRange = segments(vod);
        // "within one segment": the longest segment of the range (EXT-X-TARGETDURATION is that, rounded up)
        double segment = inRange.stream().mapToDouble(Segment::seconds).max().orElseThrow();
        assertThat(vod).contains("#EXT-X-TARGETDURATION:" + (int) Math.ceil(segment) + "\n");
        assertThat(Duration.between(Instant.ofEpochMilli(start), inRange.get(0).programDateTime())
                        .abs())
                .as("first EXT-X-PROGRAM-DATE-TIME vs start_time")
                .isLessThanOrEqualTo(Duration.ofMillis((long) (segment * 1000)));
        double total = inRange.stream().mapToDouble(Segment::seconds).sum();
        assertThat(total)
                .as("range playlist duration vs the %d ms asked", duration)
                .isBetween(duration / 1000.0 - segment, duration / 1000.0 + segment);

        var decoded = FFmpegTools.decode(Duration.ofSeconds(60), range);
        assertThat(decoded.exitCode()).as(decoded.describe()).isZero();
        assertThat(decoded.stderr()).isBlank();
        double probed = Double.parseDouble(
                String.valueOf(FFmpegTools.probe(range).format().get("duration")));
        assertThat(probed).isCloseTo(total, org.assertj.core.data.Offset.offset(0.5));

        // the Ti Top Streamer NVR API's form, with the parameters glued on by '&'
        assertThat(get(kvr.baseUrl() + "/" + STREAM + "/playlist.m3u8&start_time=" + start + "&duration=" + duration)
                        .body())
                .isEqualTo(vod);

        String dvr = live + "?dvr=1";
        assertThat(get(dvr).body()).contains("#EXT-X-PLAYLIST-TYPE:EVENT");
        var event = FFmpegTools.ffmpeg(
                Duration.ofSeconds(60),
                "-v",
                "error",
                "-live_start_index",
                "0",
                "-i",
                dvr,
                "-t",
                "4",
                "-enc_time_base",
                "demux",
                "-f",
                "null",
                "-");
        assertThat(event.exitCode()).as(event.describe()).isZero();
        assertThat(event.stderr()).as("ffmpeg errors decoding dvr=1").isBlank();
        assertThat(get(kvr.baseUrl() + "/" + STREAM + "/master.m3u8").body())
                .contains("CODECS=\"avc1.", "RESOLUTION=640x360");
    }

    @Test
    @Order(5)
    void aRestartOnTheSameDataDirKeepsTheRecordings() throws Exception {
        String url = kvr.baseUrl() + "/" + STREAM + "/index.m3u8";
        List<Segment> before = segments(get(url).body());
        kvr.close();
        camera.close();
        camera = null;

        kvr = KvrServer.start(options(), Map.of());
        String again = kvr.baseUrl() + "/" + STREAM + "/index.m3u8";
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !segments(playlistOrEmpty(again)).isEmpty());
        assertThat(get(kvr.baseUrl() + "/v1/streams").body()).contains("\"stream\":\"cam1\"");
        List<String> uris =
                segments(get(again).body()).stream().map(Segment::uri).toList();
        assertThat(uris).contains(before.get(before.size() - 1).uri());

        // a segment recorded before the restart still plays (with its init segment)
        String segment = kvr.baseUrl() + "/" + STREAM + "/"
                + before.get(before.size() - 1).uri();
        String init = kvr.baseUrl() + "/" + STREAM + "/" + initUri(get(again).body());
        Path joined = data.resolve("check.mp4");
        try (var out = java.nio.file.Files.newOutputStream(joined)) {
            out.write(
                    HTTP.send(HttpRequest.newBuilder(URI.create(init)).build(), HttpResponse.BodyHandlers.ofByteArray())
                            .body());
            out.write(HTTP.send(
                            HttpRequest.newBuilder(URI.create(segment)).build(),
                            HttpResponse.BodyHandlers.ofByteArray())
                    .body());
        }
        var result = FFmpegTools.decode(Duration.ofSeconds(60), joined.toString());
        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.stderr()).isBlank();
    }

    private static String initUri(String playlist) {
        for (String line : playlist.split("\n")) {
            if (line.startsWith("#EXT-X-MAP:URI=\"")) {
                return line.substring("#EXT-X-MAP:URI=\"".length(), line.length() - 1);
            }
        }
        throw new AssertionError("no EXT-X-MAP in\n" + playlist);
    }

    /** The playlist, or "" while the stream has none yet (404) or the index is restoring (503). */
    static String playlistOrEmpty(String url) throws Exception {
        HttpResponse<String> r = get(url);
        return r.statusCode() == 200 ? r.body() : "";
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    record Segment(Instant programDateTime, double seconds, String uri) {}

    static List<Segment> segments(String playlist) {
        List<Segment> out = new ArrayList<>();
        Instant pdt = null;
        double seconds = -1;
        for (String line : playlist.split("\n")) {
            if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
                pdt = Instant.parse(line.substring("#EXT-X-PROGRAM-DATE-TIME:".length()));
            } else if (line.startsWith("#EXTINF:")) {
                seconds = Double.parseDouble(line.substring("#EXTINF:".length(), line.indexOf(',')));
            } else if (!line.isBlank() && !line.startsWith("#")) {
                if (pdt == null) {
                    throw new AssertionError("segment without EXT-X-PROGRAM-DATE-TIME: " + line);
                }
                out.add(new Segment(pdt, seconds, line));
                pdt = null;
            }
        }
        return out;
    }
}
