package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvr.runtime.index.IndexedSegment;
import io.kvr.schemas.SegmentRecord;
import io.kvr.testsupport.FFmpegTools;
import io.kvr.testsupport.TestCamera;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Direct MP4 downloads ({@code /{app}/{stream}/export.mp4}) of H.264+AAC and H.265+AAC recordings made by one kvr
 * process from the test camera: the whole recording, a span from the middle, and a range that starts between
 * keyframes; each checked with ffprobe (duration, start, tracks, hvc1) and decoded whole by FFmpeg, and the
 * first frame shown compared with the frame recorded at the start time.
 */
class ExportIT {
    private static final String H264 = "live/h264aac";
    private static final String H265 = "live/h265aac";
    /** One frame at 25 fps, in seconds. */
    private static final double FRAME = 0.04;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path data;
    static Path out;
    static TestCamera camera;
    static KvrServer kvr;

    @BeforeAll
    static void start() throws java.io.IOException {
        out = Files.createDirectories(Path.of("target", "exports"));
        camera = TestCamera.start();
        kvr = KvrServer.start(KvrOptions.parse(new String[] {"run", "--data", data.toString(), "--http", "127.0.0.1:0",
                "--kafka-port", "0", "--s3-port", "0"}),
                Map.of(H264, camera.url(TestCamera.H264_AAC), H265, camera.url(TestCamera.H265_AAC)));
        // about 16 s of each recording: enough for a span from the middle and ranges between keyframes
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> recorded(H264) >= 16_000 && recorded(H265) >= 16_000);
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

    @Test
    void h264AndAacExports() throws Exception {
        checkStream(H264, "h264", "avc1");
    }

    @Test
    void h265AndAacExports() throws Exception {
        checkStream(H265, "hevc", "hvc1");
    }

    private void checkStream(String stream, String codec, String tag) throws Exception {
        List<SegmentRecord> segments = segments(stream);
        SegmentRecord first = segments.get(0);
        SegmentRecord last = segments.get(segments.size() - 1);
        String name = stream.replace('/', '_');
        StringBuilder layout = new StringBuilder();
        for (int i = 0; i < segments.size(); i++) {
            SegmentRecord s = segments.get(i);
            layout.append(s.getStartTimeMs()).append('+').append(s.getDurationMs()).append(" media ")
                    .append(s.getMediaStartTime()).append('+').append(s.getMediaDuration()).append(' ')
                    .append(s.getIngestSessionId()).append('\n');
        }
        System.out.println("SEGMENTS " + stream + "\n" + layout);

        // the whole recording
        long wholeStart = first.getStartTimeMs();
        long wholeEnd = last.getEndTimeMs();
        Path whole = download(stream, wholeStart, wholeEnd, true, name + "-whole.mp4");
        checkFile(whole, media(segments, wholeStart, wholeEnd), codec, tag);

        // 5 s from the middle, starting at an odd millisecond
        long middle = (wholeStart + wholeEnd) / 2 - 2500 + 137;
        Path mid = download(stream, middle, middle + 5000, true, name + "-middle.mp4");
        checkFile(mid, media(segments, middle, middle + 5000), codec, tag);

        // 3 s starting 520 ms after a keyframe (segments start on keyframes; GOP is 1 s)
        long between = segments.get(2).getStartTimeMs() + 520;
        HttpResponse<Path> precise = get(stream, between, between + 3000, true, name + "-between.mp4");
        checkFile(precise.body(), media(segments, between, between + 3000), codec, tag);
        HttpResponse<Path> fromKeyframe = get(stream, between, between + 3000, false, name + "-between-keyframe.mp4");
        assertThat(fromKeyframe.statusCode()).isEqualTo(200);
        long keyframeMs = Long.parseLong(fromKeyframe.headers().firstValue("X-Kvr-First-Frame-Time").orElseThrow());
        assertThat(keyframeMs).isBetween(between - 1100, between);
        var loose = FFmpegTools.probe(fromKeyframe.body().toString());
        assertThat(Double.parseDouble((String) loose.format().get("duration")))
                .isCloseTo(media(segments, keyframeMs, between + 3000), org.assertj.core.data.Offset.offset(FRAME + 0.005));

        // the first frame shown by the precise file is the frame captured at start_time: it is the frame of the
        // file that starts at the keyframe, (start - keyframe) later, within one frame
        List<String[]> preciseFrames = frames(precise.body());
        List<String[]> keyframeFrames = frames(fromKeyframe.body());
        assertThat(Long.parseLong(preciseFrames.get(0)[2].trim())).as("first shown frame pts").isZero();
        String firstHash = preciseFrames.get(0)[5].trim();
        int expected = (int) Math.round((between - keyframeMs) / 40.0);
        int found = -1;
        for (int i = Math.max(0, expected - 1); i <= Math.min(keyframeFrames.size() - 1, expected + 1); i++) {
            if (keyframeFrames.get(i)[5].trim().equals(firstHash)) {
                found = i;
            }
        }
        assertThat(found).as("index of the precise file's first frame in the file from the keyframe (expected "
                + expected + ")").isBetween(expected - 1, expected + 1);

        // Range requests on the direct download
        HttpResponse<byte[]> part = HTTP.send(HttpRequest.newBuilder(exportUri(stream, between, between + 3000, true))
                .header("Range", "bytes=4-11").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(new String(part.body())).isEqualTo("ftypisom");
        assertThat(part.headers().firstValue("Content-Range").orElseThrow())
                .isEqualTo("bytes 4-11/" + Files.size(precise.body()));
        HttpResponse<byte[]> tail = HTTP.send(HttpRequest.newBuilder(exportUri(stream, between, between + 3000, true))
                .header("Range", "bytes=-1000").build(), HttpResponse.BodyHandlers.ofByteArray());
        byte[] all = Files.readAllBytes(precise.body());
        assertThat(tail.body()).isEqualTo(java.util.Arrays.copyOfRange(all, all.length - 1000, all.length));
    }

    private static void checkFile(Path file, double seconds, String codec, String tag) {
        var probe = FFmpegTools.probe(file.toString());
        assertThat(probe.formatName()).contains("mp4");
        assertThat(Double.parseDouble((String) probe.format().get("duration"))).as("duration of " + file)
                .isCloseTo(seconds, org.assertj.core.data.Offset.offset(FRAME + 0.005));
        assertThat(Math.abs(Double.parseDouble((String) probe.format().get("start_time")))).as("start of " + file)
                .isLessThan(0.001);
        var video = probe.firstStream("video").orElseThrow();
        assertThat(video).containsEntry("codec_name", codec).containsEntry("codec_tag_string", tag);
        assertThat(probe.firstStream("audio").orElseThrow()).containsEntry("codec_name", "aac");
        var decoded = FFmpegTools.ffmpeg(Duration.ofSeconds(120), "-v", "error", "-i", file.toString(), "-f", "null", "-");
        assertThat(decoded.exitCode()).as(decoded.describe()).isZero();
        assertThat(decoded.stderr()).as("ffmpeg errors decoding " + file).isBlank();
        // moov before mdat: plays while downloading
        try {
            byte[] head = Files.readAllBytes(file);
            assertThat(new String(head, 36, 4)).isEqualTo("moov");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The requested range in the recording's media time, in seconds: each end placed by the wall clock of the
     * segment it falls in. This equals {@code (end - start) / 1000} when the camera's media clock keeps pace with
     * its wall clock; the test camera on a loaded machine can run a few percent slow, and exports never stretch
     * or squeeze time to hide that.
     */
    private static double media(List<SegmentRecord> segments, long start, long end) {
        return (mediaTicks(segments, end) - mediaTicks(segments, start)) / 90_000.0;
    }

    private static long mediaTicks(List<SegmentRecord> segments, long wallMs) {
        SegmentRecord at = segments.get(0);
        for (SegmentRecord s : segments) {
            if (s.getStartTimeMs() <= wallMs) {
                at = s;
            }
        }
        long into = Math.min(Math.max(0, wallMs - at.getStartTimeMs()) * 90, at.getMediaDuration());
        return at.getMediaStartTime() + into;
    }

    /** {@code framemd5} lines of the video: stream, dts, pts, duration, size, hash. */
    private static List<String[]> frames(Path file) {
        var r = FFmpegTools.ffmpeg(Duration.ofSeconds(120), "-v", "error", "-i", file.toString(), "-an",
                "-f", "framemd5", "-");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        return r.stdout().lines().filter(l -> !l.startsWith("#")).map(l -> l.split(",")).toList();
    }

    private static Path download(String stream, long start, long end, boolean precise, String name) throws Exception {
        HttpResponse<Path> r = get(stream, start, end, precise, name);
        assertThat(r.statusCode()).as("export " + name).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Length").map(Long::parseLong)).hasValue(Files.size(r.body()));
        return r.body();
    }

    private static HttpResponse<Path> get(String stream, long start, long end, boolean precise, String name)
            throws Exception {
        return HTTP.send(HttpRequest.newBuilder(exportUri(stream, start, end, precise)).build(),
                HttpResponse.BodyHandlers.ofFile(out.resolve(name)));
    }

    private static URI exportUri(String stream, long start, long end, boolean precise) {
        return URI.create(kvr.baseUrl() + "/" + stream + "/export.mp4?start_time=" + start + "&end_time=" + end
                + (precise ? "" : "&precise=false"));
    }

    private static List<SegmentRecord> segments(String stream) {
        return kvr.index().latest(stream, 1000).stream().map(IndexedSegment::segment).toList();
    }

    private static long recorded(String stream) {
        List<SegmentRecord> s = segments(stream);
        return s.isEmpty() ? 0 : s.get(s.size() - 1).getEndTimeMs() - s.get(0).getStartTimeMs();
    }
}
