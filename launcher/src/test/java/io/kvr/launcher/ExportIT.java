package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvr.index.IndexedSegment;
import io.kvr.schemas.SegmentRecord;
import io.kvr.testsupport.FFmpegTools;
import io.kvr.testsupport.HlsJsPlayer;
import io.kvr.testsupport.HlsJsPlayer.Playback;
import io.kvr.testsupport.HlsJsPlayer.Session;
import io.kvr.testsupport.JsonValues;
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
 * first frame shown compared with the frame recorded at the start time; Debian's headless Chromium plays an export
 * in a plain {@code <video>} element ({@link HlsJsPlayer} in file mode).
 */
class ExportIT {
    private static final String H264 = "live/h264aac";
    private static final String H265 = "live/h265aac";
    /** One frame at 25 fps, in seconds. */
    private static final double FRAME = 0.04;

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path data;

    static Path out;
    static TestCamera camera;
    static KvrServer kvr;

    @BeforeAll
    static void start() throws java.io.IOException {
        out = Files.createDirectories(Path.of("target", "exports"));
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
                    "exporter.download.sized.max=2m"
                }),
                Map.of(H264, camera.url(TestCamera.H264_AAC), H265, camera.url(TestCamera.H265_AAC)));
        // about 16 s of each recording: enough for a span from the middle and ranges between keyframes
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
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
            layout.append(s.getStartTimeMs())
                    .append('+')
                    .append(s.getDurationMs())
                    .append(" media ")
                    .append(s.getMediaStartTime())
                    .append('+')
                    .append(s.getMediaDuration())
                    .append(' ')
                    .append(s.getIngestSessionId())
                    .append('\n');
        }
        System.out.println("SEGMENTS " + stream + "\n" + layout);

        // the whole recording
        long wholeStart = first.getStartTimeMs();
        long wholeEnd = last.getEndTimeMs();
        Path whole = download(stream, wholeStart, wholeEnd, true, name + "-whole.mp4");
        checkFile(whole, media(stream, wholeStart, wholeEnd), codec, tag);

        // 5 s from the middle, starting at an odd millisecond
        long middle = (wholeStart + wholeEnd) / 2 - 2500 + 137;
        Path mid = download(stream, middle, middle + 5000, true, name + "-middle.mp4");
        checkFile(mid, media(stream, middle, middle + 5000), codec, tag);

        // 3 s starting 520 ms after a keyframe (segments start on keyframes; GOP is 1 s)
        long between = segments.get(2).getStartTimeMs() + 520;
        HttpResponse<Path> precise = get(stream, between, between + 3000, true, name + "-between.mp4");
        checkFile(precise.body(), media(stream, between, between + 3000), codec, tag);
        HttpResponse<Path> fromKeyframe = get(stream, between, between + 3000, false, name + "-between-keyframe.mp4");
        assertThat(fromKeyframe.statusCode()).isEqualTo(200);
        long keyframeMs = Long.parseLong(
                fromKeyframe.headers().firstValue("X-Kvr-First-Frame-Time").orElseThrow());
        assertThat(keyframeMs).isBetween(between - 1100, between);
        var loose = FFmpegTools.probe(fromKeyframe.body().toString());
        assertThat(Double.parseDouble((String) loose.format().get("duration")))
                .isCloseTo(
                        media(stream, keyframeMs, between + 3000), org.assertj.core.data.Offset.offset(FRAME + 0.005));

        // the first frame shown by the precise file is the frame captured at start_time: it is the frame of the
        // file that starts at the keyframe, (start - keyframe) later, within one frame
        List<String[]> preciseFrames = frames(precise.body());
        List<String[]> keyframeFrames = frames(fromKeyframe.body());
        assertThat(Long.parseLong(preciseFrames.get(0)[2].trim()))
                .as("first shown frame pts")
                .isZero();
        // compared by time, not by index: a camera on a loaded machine drops frames now and then
        String firstHash = preciseFrames.get(0)[5].trim();
        double tb = frameTimeBase(fromKeyframe.body());
        double expectedSeconds = (between - keyframeMs) / 1000.0;
        Double foundAt = null;
        for (String[] f : keyframeFrames) {
            double at = Long.parseLong(f[2].trim()) * tb;
            if (f[5].trim().equals(firstHash) && Math.abs(at - expectedSeconds) <= FRAME + 0.001) {
                foundAt = at;
            }
        }
        assertThat(foundAt)
                .as("time of the precise file's first frame in the file from the keyframe (expected " + expectedSeconds
                        + " s)")
                .isNotNull();

        // Range requests on the direct download
        HttpResponse<byte[]> part = HTTP.send(
                HttpRequest.newBuilder(exportUri(stream, between, between + 3000, true))
                        .header("Range", "bytes=4-11")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(new String(part.body())).isEqualTo("ftypisom");
        assertThat(part.headers().firstValue("Content-Range").orElseThrow())
                .isEqualTo("bytes 4-11/" + Files.size(precise.body()));
        HttpResponse<byte[]> tail = HTTP.send(
                HttpRequest.newBuilder(exportUri(stream, between, between + 3000, true))
                        .header("Range", "bytes=-1000")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        byte[] all = Files.readAllBytes(precise.body());
        assertThat(tail.body()).isEqualTo(java.util.Arrays.copyOfRange(all, all.length - 1000, all.length));
    }

    /**
     * {@code format=fmp4}: a fragmented file ({@code ftyp}, {@code moov}, then {@code moof} + {@code mdat} pairs) of
     * the same range shows the same frames for the same duration as the progressive one, and carries the same edit
     * lists; Range works on it, and a job with {@code "format": "fmp4"} stores the same bytes.
     */
    @Test
    void fragmentedExportsShowTheSameMediaAsProgressiveOnes() throws Exception {
        checkFragmented(H264, "h264", "avc1");
        checkFragmented(H265, "hevc", "hvc1");
    }

    private void checkFragmented(String stream, String codec, String tag) throws Exception {
        List<SegmentRecord> segments = segments(stream);
        String name = stream.replace('/', '_');
        // 3 s starting between keyframes, over more than one segment
        long start = segments.get(3).getStartTimeMs() + 430;
        long end = start + 3000;

        // from the keyframe (precise=false): the same media as the progressive file, starting at 0
        Path mp4 = download(stream, start, end, false, name + "-fmp4-ref.mp4");
        Path fmp4 = downloadFragmented(stream, start, end, false, name + "-fragmented-keyframe.mp4");
        checkFragmentedLayout(fmp4);
        var probe = FFmpegTools.probe(fmp4.toString());
        var reference = FFmpegTools.probe(mp4.toString());
        assertThat(probe.formatName()).contains("mp4");
        assertThat(probe.firstStream("video").orElseThrow())
                .containsEntry("codec_name", codec)
                .containsEntry("codec_tag_string", tag);
        assertThat(probe.firstStream("audio").orElseThrow()).containsEntry("codec_name", "aac");
        assertThat(Double.parseDouble((String) probe.format().get("duration")))
                .as("duration of " + fmp4)
                .isCloseTo(
                        Double.parseDouble((String) reference.format().get("duration")),
                        org.assertj.core.data.Offset.offset(FRAME + 0.001));
        assertThat(Math.abs(Double.parseDouble((String) probe.format().get("start_time"))))
                .as("start of " + fmp4)
                .isLessThan(0.001);
        decodesCleanly(fmp4);
        List<String> keyframeHashes = hashes(frames(mp4));
        assertThat(hashes(frames(fmp4))).as("frames of " + fmp4).isEqualTo(keyframeHashes);

        // precise: the moov has the progressive file's edit lists, which hide the frames before start_time
        HttpResponse<Path> preciseMp4 = get(stream, start, end, true, name + "-fmp4-ref-precise.mp4");
        long keyframeMs = Long.parseLong(
                preciseMp4.headers().firstValue("X-Kvr-First-Frame-Time").orElseThrow());
        Path precise = downloadFragmented(stream, start, end, true, name + "-fragmented.mp4");
        checkFragmentedLayout(precise);
        assertThat(editLists(precise)).hasSize(2).isEqualTo(editLists(preciseMp4.body()));
        assertThat(editLists(precise)).isNotEqualTo(editLists(fmp4));
        decodesCleanly(precise);
        // FFmpeg 7.1 applies an edit list's start to fragments as an offset only: the hidden frames come out
        // before 0 (ffprobe) and are not dropped; the frames from 0 on are the progressive file's
        var preciseProbe = FFmpegTools.probe(precise.toString());
        assertThat(Double.parseDouble(
                        (String) preciseProbe.firstStream("video").orElseThrow().get("start_time")))
                .as("video start of " + precise)
                .isCloseTo(-(start - keyframeMs) / 1000.0, org.assertj.core.data.Offset.offset(FRAME + 0.02));
        assertThat(hashes(frames(precise))).isEqualTo(keyframeHashes);
        assertThat(keyframeHashes).containsSubsequence(hashes(frames(preciseMp4.body())));

        // Range: the sizes were known before the first byte, so any part of the file can be asked for
        byte[] all = Files.readAllBytes(precise);
        HttpResponse<byte[]> tail = HTTP.send(
                HttpRequest.newBuilder(fmp4Uri(stream, start, end, true))
                        .header("Range", "bytes=-5000")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(java.util.Arrays.copyOfRange(all, all.length - 5000, all.length));
        HttpResponse<byte[]> middle = HTTP.send(
                HttpRequest.newBuilder(fmp4Uri(stream, start, end, true))
                        .header("Range", "bytes=1000-" + (all.length / 2))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(middle.body()).isEqualTo(java.util.Arrays.copyOfRange(all, 1000, all.length / 2 + 1));

        // a job with "format": "fmp4" stores the same file
        String[] parts = stream.split("/");
        var submitted = send(
                "POST",
                "/v1/nvr/convert2mp4",
                "{\"app_name\":\"" + parts[0] + "\",\"stream_name\":\"" + parts[1] + "\",\"start_time\":" + start
                        + ",\"end_time\":" + end + ",\"format\":\"fmp4\"}");
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String id = (String) JsonValues.parseObject(submitted.body()).get("id");
        assertThat(JsonValues.parseObject(submitted.body())).containsEntry("format", "fmp4");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> "done"
                        .equals(JsonValues.parseObject(send("GET", "/v1/nvr/exports/" + id, null)
                                        .body())
                                .get("status")));
        assertThat(JsonValues.parseObject(
                        send("GET", "/v1/nvr/exports/" + id, null).body()))
                .containsEntry("format", "fmp4");
        HttpResponse<byte[]> job = HTTP.send(
                HttpRequest.newBuilder(URI.create(kvr.baseUrl() + "/v1/nvr/exports/" + id + "/file"))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(job.statusCode()).isEqualTo(200);
        assertThat(job.body()).isEqualTo(all);
        assertThat(send("DELETE", "/v1/nvr/exports/" + id, null).statusCode()).isEqualTo(204);
    }

    private static Path downloadFragmented(String stream, long start, long end, boolean precise, String name)
            throws Exception {
        HttpResponse<Path> r = HTTP.send(
                HttpRequest.newBuilder(fmp4Uri(stream, start, end, precise)).build(),
                HttpResponse.BodyHandlers.ofFile(
                        out.resolve(name),
                        java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.WRITE,
                        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING));
        assertThat(r.statusCode()).as("export " + name).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(r.headers().firstValue("Content-Length").map(Long::parseLong))
                .hasValue(Files.size(r.body()));
        return r.body();
    }

    /** ftyp, moov (with mvex), then moof + mdat pairs: no media before the moov. */
    private static void checkFragmentedLayout(Path file) throws java.io.IOException {
        List<String> boxes = topLevelBoxes(file);
        System.out.println(
                "FMP4 " + file + ": " + boxes.size() + " boxes " + boxes.subList(0, Math.min(6, boxes.size())));
        assertThat(boxes.subList(0, 2)).containsExactly("ftyp", "moov");
        long moofs = boxes.stream().filter("moof"::equals).count();
        assertThat(moofs).isGreaterThanOrEqualTo(2);
        assertThat(boxes.stream().filter("mdat"::equals).count()).isEqualTo(moofs);
        for (int i = 2; i < boxes.size(); i += 2) {
            assertThat(boxes.subList(i, i + 2)).containsExactly("moof", "mdat");
        }
        assertThat(new String(moov(file), java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains("mvex", "trex");
    }

    private static void decodesCleanly(Path file) {
        var decoded = FFmpegTools.decode(Duration.ofSeconds(120), file.toString());
        assertThat(decoded.exitCode()).as(decoded.describe()).isZero();
        assertThat(decoded.stderr()).as("ffmpeg errors decoding " + file).isBlank();
    }

    private static List<String> hashes(List<String[]> frames) {
        return frames.stream().map(f -> f[5].trim()).toList();
    }

    /** The file's {@code ftyp} and {@code moov}. */
    private static byte[] moov(Path file) throws java.io.IOException {
        byte[] b = Files.readAllBytes(file);
        java.nio.ByteBuffer at = java.nio.ByteBuffer.wrap(b);
        int ftyp = at.getInt(0);
        int moov = at.getInt(ftyp);
        return java.util.Arrays.copyOf(b, ftyp + moov);
    }

    /** The {@code elst} boxes of the file's tracks, as hex. */
    private static List<String> editLists(Path file) throws java.io.IOException {
        byte[] head = moov(file);
        List<String> lists = new java.util.ArrayList<>();
        for (int i = 4; i + 4 <= head.length; i++) {
            if (head[i] == 'e' && head[i + 1] == 'l' && head[i + 2] == 's' && head[i + 3] == 't') {
                int size = java.nio.ByteBuffer.wrap(head).getInt(i - 4);
                lists.add(java.util.HexFormat.of().formatHex(head, i - 4, i - 4 + size));
            }
        }
        return lists;
    }

    private static URI fmp4Uri(String stream, long start, long end, boolean precise) {
        return URI.create(kvr.baseUrl() + "/" + stream + "/export.mp4?start_time=" + start + "&end_time=" + end
                + (precise ? "" : "&precise=false") + "&format=fmp4");
    }

    /** The types of the file's top-level boxes, in order. */
    private static List<String> topLevelBoxes(Path file) throws java.io.IOException {
        byte[] b = Files.readAllBytes(file);
        List<String> types = new java.util.ArrayList<>();
        long p = 0;
        while (p + 8 <= b.length) {
            java.nio.ByteBuffer at = java.nio.ByteBuffer.wrap(b, (int) p, 16 > b.length - p ? 8 : 16);
            long size = Integer.toUnsignedLong(at.getInt());
            types.add(new String(b, (int) p + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1));
            if (size == 1) {
                at.getInt();
                size = at.getLong();
            }
            assertThat(size)
                    .as("size of box " + types.get(types.size() - 1) + " at " + p)
                    .isGreaterThanOrEqualTo(8);
            p += size;
        }
        assertThat(p).as("boxes end at the end of " + file).isEqualTo(b.length);
        return types;
    }

    /**
     * One minute from the middle of a recording of 2.5 minutes: the camera's H.264+AAC session looped by
     * {@link MediaLoop} onto the media topic (the segmenter and indexer record it like any camera; only the bridge
     * is skipped), so the test does not record for minutes in real time.
     */
    @Test
    void aMinuteFromTheMiddleOfALongerRecording() throws Exception {
        String stream = "loop/h264aac";
        MediaLoop.Published copy = new MediaLoop(kvr.kafkaBootstrap(), "kvr.media.v1").loop(H264, stream, 150);
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> recorded(stream) >= (long) (copy.seconds() * 1000) - 3000);
        List<SegmentRecord> segments = segments(stream);
        long middle = (segments.get(0).getStartTimeMs()
                                + segments.get(segments.size() - 1).getEndTimeMs())
                        / 2
                - 30_000
                + 137;
        HttpResponse<Path> minute = get(stream, middle, middle + 60_000, true, "loop-minute.mp4");
        assertThat(minute.statusCode()).isEqualTo(200);
        checkFile(minute.body(), media(stream, middle, middle + 60_000), "h264", "avc1");
        assertThat(Long.parseLong(frames(minute.body()).get(0)[2].trim()))
                .as("first shown frame pts")
                .isZero();
        // the first frame shown is the one at start_time: the same picture as in the file from its keyframe
        HttpResponse<Path> fromKeyframe = get(stream, middle, middle + 60_000, false, "loop-minute-keyframe.mp4");
        long keyframeMs = Long.parseLong(
                fromKeyframe.headers().firstValue("X-Kvr-First-Frame-Time").orElseThrow());
        String firstHash = frames(minute.body()).get(0)[5].trim();
        double tb = frameTimeBase(fromKeyframe.body());
        double expectedSeconds = (middle - keyframeMs) / 1000.0;
        assertThat(frames(fromKeyframe.body()))
                .as("frame at %s s of the file from the keyframe", expectedSeconds)
                .anySatisfy(f -> {
                    assertThat(f[5].trim()).isEqualTo(firstHash);
                    assertThat(Long.parseLong(f[2].trim()) * tb)
                            .isCloseTo(expectedSeconds, org.assertj.core.data.Offset.offset(FRAME + 0.001));
                });

        // longer than exporter.download.sized.max (2 min here): the answer starts before the whole range is
        // planned, chunked; asked with "Range: bytes=0-" the same range is planned first and sized: the same file
        long from = segments.get(0).getStartTimeMs() + 1000;
        long to = segments.get(segments.size() - 1).getEndTimeMs() - 1000;
        assertThat(to - from).as("a range over the sized maximum").isGreaterThan(120_000);
        HttpResponse<Path> streamed = get(stream, from, to, true, "loop-streamed.mp4");
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.headers().firstValue("Content-Length")).isEmpty();
        assertThat(streamed.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
        assertThat(streamed.headers().firstValue("X-Kvr-First-Frame-Time")).isPresent();
        HttpResponse<Path> sized = HTTP.send(
                HttpRequest.newBuilder(exportUri(stream, from, to, true))
                        .header("Range", "bytes=0-")
                        .build(),
                HttpResponse.BodyHandlers.ofFile(
                        out.resolve("loop-sized.mp4"),
                        java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.WRITE,
                        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING));
        assertThat(sized.statusCode()).isEqualTo(206);
        assertThat(sized.headers().firstValue("Content-Length").map(Long::parseLong))
                .hasValue(Files.size(sized.body()));
        assertThat(Files.mismatch(streamed.body(), sized.body()))
                .as("streamed and sized files differ at")
                .isEqualTo(-1L);
        checkFile(streamed.body(), media(stream, from, to), "h264", "avc1");
    }

    /**
     * A fragmented export from its keyframe plays in a plain {@code <video>} element. (Chromium 156, like FFmpeg
     * 7.1, applies an edit list's start to fragments as a shift only, so a precise fMP4 shows its lead there.)
     */
    @Test
    void chromiumPlaysAFragmentedExport() throws Exception {
        HlsJsPlayer player = HlsJsPlayer.find();
        List<SegmentRecord> segments = segments(H264);
        long start = segments.get(1).getStartTimeMs() + 450;
        long end = start + 6000;
        URI uri = fmp4Uri(H264, start, end, false);
        long keyframeMs =
                Long.parseLong(HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
                        .headers()
                        .firstValue("X-Kvr-First-Frame-Time")
                        .orElseThrow());
        Playback p = player.play(Session.file(uri.toString()).until(2.5).timeout(Duration.ofSeconds(90)));
        System.out.println("CHROMIUM FMP4 " + p);
        assertThat(p.fatal()).as(p.raw()).isEmpty();
        assertThat(p.playing()).as(p.raw()).isTrue();
        assertThat(p.lastTime()).as("currentTime reached: " + p.raw()).isGreaterThanOrEqualTo(2.5);
        assertThat(p.monotonic()).as(p.raw()).isTrue();
        assertThat(p.videoWidth()).as(p.raw()).isEqualTo(640);
        assertThat(p.duration()).as(p.raw()).isNotNull();
        assertThat(p.duration())
                .as("duration the browser reads from the fragments")
                .isCloseTo(media(H264, keyframeMs, end), org.assertj.core.data.Offset.offset(0.1));
    }

    @Test
    void chromiumPlaysAnExportedFileInAVideoElement() throws Exception {
        HlsJsPlayer player = HlsJsPlayer.find();
        List<SegmentRecord> segments = segments(H264);
        long start = segments.get(1).getStartTimeMs() + 250;
        long end = start + 6000;
        URI uri = exportUri(H264, start, end, true);
        // the browser's own MP4 demuxer and H.264/AAC decoders on the direct download (Range requests and all);
        // the job's file is byte for byte the same (exportJobsRunThroughKafkaAndTheirFilesDownloadWithRanges)
        Playback p = player.play(Session.file(uri.toString()).until(2.5).timeout(Duration.ofSeconds(90)));
        System.out.println("CHROMIUM " + p);
        assertThat(p.fatal()).as(p.raw()).isEmpty();
        assertThat(p.playing()).as(p.raw()).isTrue();
        assertThat(p.lastTime()).as("currentTime reached: " + p.raw()).isGreaterThanOrEqualTo(2.5);
        assertThat(p.monotonic()).as(p.raw()).isTrue();
        assertThat(p.videoWidth()).as(p.raw()).isEqualTo(640);
        assertThat(p.videoHeight()).as(p.raw()).isEqualTo(360);
        assertThat(p.duration()).as(p.raw()).isNotNull();
        assertThat(p.duration())
                .as("duration the browser reads from the moov")
                .isCloseTo(media(H264, start, end), org.assertj.core.data.Offset.offset(0.1));
    }

    @Test
    void exportJobsRunThroughKafkaAndTheirFilesDownloadWithRanges() throws Exception {
        List<SegmentRecord> segments = segments(H264);
        long start = segments.get(1).getStartTimeMs() + 333;
        long end = start + 4000;
        var submitted = send(
                "POST",
                "/v1/nvr/convert2mp4",
                "{\"app_name\":\"live\",\"stream_name\":\"h264aac\"," + "\"start_time\":" + start + ",\"end_time\":"
                        + end + ",\"duration\":999,\"file_name\":\"Gate 3 – nacht.mp4\"}");
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        var accepted = JsonValues.parseObject(submitted.body());
        String id = (String) accepted.get("id");
        assertThat(accepted).containsEntry("status", "queued").containsEntry("format", "mp4");
        assertThat(submitted.headers().firstValue("Location")).hasValue("/v1/nvr/exports/" + id);

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> "done"
                        .equals(JsonValues.parseObject(send("GET", "/v1/nvr/exports/" + id, null)
                                        .body())
                                .get("status")));
        var status = JsonValues.parseObject(
                send("GET", "/v1/nvr/exports/" + id, null).body());
        assertThat(status)
                .containsEntry("progress", 100L)
                .containsEntry("app_name", "live")
                .containsEntry("stream_name", "h264aac")
                .containsEntry("start_time", start)
                .containsEntry("end_time", end)
                .containsEntry("download_url", "/v1/nvr/exports/" + id + "/file");
        assertThat((Long) status.get("duration")).isBetween(3900L, 4000L);
        assertThat(send("GET", "/v1/nvr/exports", null).body()).contains(id);

        // the job's file is byte for byte the direct download of the same range
        HttpResponse<Path> file = HTTP.send(
                HttpRequest.newBuilder(URI.create(kvr.baseUrl() + "/v1/nvr/exports/" + id + "/file"))
                        .build(),
                HttpResponse.BodyHandlers.ofFile(
                        out.resolve("job.mp4"),
                        java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.WRITE,
                        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING));
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("Content-Disposition").orElseThrow())
                .startsWith("attachment; filename=\"Gate 3 _ nacht.mp4\"")
                .contains("filename*=UTF-8''Gate%203%20%E2%80%93%20nacht.mp4");
        Path direct = download(H264, start, end, true, "job-direct.mp4");
        assertThat(Files.readAllBytes(file.body())).isEqualTo(Files.readAllBytes(direct));
        assertThat(Files.size(file.body())).isEqualTo((Long) status.get("bytes"));
        checkFile(file.body(), media(H264, start, end), "h264", "avc1");
        HttpResponse<byte[]> part = HTTP.send(
                HttpRequest.newBuilder(URI.create(kvr.baseUrl() + "/v1/nvr/exports/" + id + "/file"))
                        .header("Range", "bytes=100-199")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(Files.readAllBytes(direct), 100, 200));

        // delete: the status and the file are gone
        assertThat(send("DELETE", "/v1/nvr/exports/" + id, null).statusCode()).isEqualTo(204);
        assertThat(send("GET", "/v1/nvr/exports/" + id, null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/v1/nvr/exports/" + id + "/file", null).statusCode())
                .isEqualTo(404);
        assertThat(send("GET", "/v1/nvr/exports", null).body()).doesNotContain(id);
        assertThat(exportObjects()).isEmpty();
    }

    @Test
    void malformedExportRequestsAreRefusedWithAReasonAndWriteNothing() throws Exception {
        List<SegmentRecord> segments = segments(H264);
        long t = segments.get(1).getStartTimeMs();
        String ok = "\"app_name\":\"live\",\"stream_name\":\"h264aac\"";
        String longName = "a".repeat(201) + ".mp4";
        record Case(String method, String path, String body, int status) {}
        String before = "/live/h264aac/export.mp4?";
        List<Case> cases = List.of(
                // direct downloads
                new Case("GET", before + "end_time=" + (t + 1000), null, 400),
                new Case("GET", before + "start_time=abc&end_time=" + (t + 1000), null, 400),
                new Case("GET", before + "start_time=" + t, null, 400),
                new Case("GET", before + "start_time=" + t + "&end_time=x1", null, 400),
                new Case("GET", before + "start_time=" + t + "&duration=-5", null, 400),
                new Case("GET", before + "start_time=" + t + "&duration=0", null, 400),
                new Case("GET", before + "start_time=" + t + "&end_time=" + (t - 1000), null, 400),
                new Case("GET", before + "start_time=" + t + "&end_time=" + t, null, 400),
                new Case("GET", before + "start_time=" + t + "&duration=1000&precise=maybe", null, 400),
                new Case("GET", before + "start_time=" + t + "&duration=1000&format=avi", null, 400),
                new Case("GET", before + "start_time=" + t + "&duration=1000&format=FMP4", null, 400),
                new Case("GET", before + "start_time=" + t + "&duration=1000&file_name=a%2Fb.mp4", null, 400),
                new Case("GET", before + "start_time=" + t + "&duration=1000&file_name=a%0Ab.mp4", null, 400),
                new Case("GET", before + "start_time=" + t + "&duration=1000&file_name=" + longName, null, 400),
                new Case("GET", before + "start_time=" + t + "&duration=" + (25L * 3600 * 1000), null, 400),
                new Case("GET", "/live/nosuchcam/export.mp4?start_time=" + t + "&duration=1000", null, 404),
                new Case("GET", before + "start_time=1000&duration=1000", null, 404),
                new Case("GET", before + "start_time=" + (t + 3_600_000) + "&duration=1000", null, 404),
                new Case("GET", before + "start_time=9223372036854775807&duration=1", null, 400),
                new Case("GET", before + "start_time=" + t + "&duration=9223372036854775807", null, 400),
                new Case("GET", before + "start_time=-9223372036854775808&end_time=" + t, null, 400),
                new Case("GET", before + "start_time=1e3&duration=1000", null, 400),
                new Case("GET", before + "start_time=0x10&duration=1000", null, 400),
                new Case("GET", before + "start_time=253402300799999&duration=1", null, 400),
                // jobs
                new Case("POST", "/v1/nvr/convert2mp4", "not json", 400),
                new Case("POST", "/v1/nvr/convert2mp4", "[1,2]", 400),
                new Case("POST", "/v1/nvr/convert2mp4", "", 400),
                new Case(
                        "POST",
                        "/v1/nvr/convert2mp4",
                        "{\"stream_name\":\"h264aac\",\"start_time\":" + t + ",\"duration\":1000}",
                        400),
                new Case(
                        "POST",
                        "/v1/nvr/convert2mp4",
                        "{\"app_name\":\"live\",\"start_time\":" + t + ",\"duration\":1000}",
                        400),
                new Case("POST", "/v1/nvr/convert2mp4", "{" + ok + ",\"duration\":1000}", 400),
                new Case("POST", "/v1/nvr/convert2mp4", "{" + ok + ",\"start_time\":\"soon\",\"duration\":1000}", 400),
                new Case(
                        "POST",
                        "/v1/nvr/convert2mp4",
                        "{" + ok + ",\"start_time\":" + t + ".5,\"duration\":1000}",
                        400),
                new Case("POST", "/v1/nvr/convert2mp4", "{" + ok + ",\"start_time\":" + t + "}", 400),
                new Case(
                        "POST",
                        "/v1/nvr/convert2mp4",
                        "{" + ok + ",\"start_time\":" + t + ",\"end_time\":" + (t - 1) + "}",
                        400),
                new Case(
                        "POST",
                        "/v1/nvr/convert2mp4",
                        "{" + ok + ",\"start_time\":" + t + ",\"end_time\":" + t + "}",
                        400),
                new Case("POST", "/v1/nvr/convert2mp4", "{" + ok + ",\"start_time\":" + t + ",\"duration\":-1}", 400),
                new Case(
                        "POST",
                        "/v1/nvr/convert2mp4",
                        "{" + ok + ",\"start_time\":" + t + ",\"duration\":1000,\"file_name\":\"../../etc/x.mp4\"}",
                        400),
                new Case(
                        "POST",
                        "/v1/nvr/convert2mp4",
                        "{" + ok + ",\"start_time\":" + t + ",\"duration\":1000,\"file_name\":\"a\\\\b.mp4\"}",
                        400),
                new Case(
                        "POST",
                        "/v1/nvr/convert2mp4",
                        "{" + ok + ",\"start_time\":" + t + ",\"duration\":1000,\"file_name\":\"a\\u0007b.mp4\"}",
                        400),
                new Case(
                        "POST",
                        "/v1/nvr/convert2mp4",
                        "{" + ok + ",\"start_time\":" + t + ",\"duration\":1000,\"file_name\":\"" + longName + "\"}",
                        400),
                new Case(
                        "POST",
                        "/v1/nvr/convert2mp4",
                        "{" + ok + ",\"start_time\":" + t + ",\"duration\":1000,\"file_name\":7}",
                        400),
                new Case(
                        "POST",
                        "/v1/nvr/convert2mp4",
                        "{" + ok + ",\"start_time\":" + t + ",\"duration\":1000,\"format\":\"avi\"}",
                        400),
                new Case(
                        "POST",
                        "/v1/nvr/convert2mp4",
                        "{" + ok + ",\"start_time\":" + t + ",\"duration\":1000,\"format\":4}",
                        400),
                new Case(
                        "POST",
                        "/v1/nvr/convert2mp4",
                        "{\"app_name\":\"live\",\"stream_name\":\"x/y\",\"start_time\":" + t + ",\"duration\":1000}",
                        400),
                new Case(
                        "POST",
                        "/v1/nvr/convert2mp4",
                        "{\"app_name\":\"live\",\"stream_name\":\"nosuchcam\",\"start_time\":" + t
                                + ",\"duration\":1000}",
                        404),
                new Case("POST", "/v1/nvr/convert2mp4", "{" + ok + ",\"start_time\":1000,\"duration\":1000}", 404),
                new Case(
                        "POST",
                        "/v1/nvr/convert2mp4",
                        "{" + ok + ",\"start_time\":9223372036854775807,\"duration\":1}",
                        400),
                new Case("POST", "/v1/nvr/convert2mp4", "{" + ok + ",\"start_time\":" + t + ",\"duration\":1e3}", 400),
                new Case("POST", "/v1/nvr/convert2mp4", "{" + ok + ",\"start_time\":-1,\"duration\":1000}", 400),
                new Case("POST", "/v1/nvr/convert2mp4", "[".repeat(200_000), 400),
                new Case("POST", "/v1/nvr/convert2mp4", "{" + ok + ",\"file_name\":" + "[".repeat(200_000), 400),
                // unknown ids
                new Case("GET", "/v1/nvr/exports/0123456789abcdef0123456789abcdef", null, 404),
                new Case("GET", "/v1/nvr/exports/not-an-id/file", null, 404),
                new Case("DELETE", "/v1/nvr/exports/0123456789abcdef0123456789abcdef", null, 404));
        int jobsBefore = exportCount();
        for (Case c : cases) {
            var r = send(c.method(), c.path(), c.body());
            assertThat(r.statusCode())
                    .as(c.method() + " " + c.path() + " " + c.body() + " -> " + r.body())
                    .isEqualTo(c.status());
            assertThat(r.headers().firstValue("Content-Type")).as(c.path()).hasValue("application/json");
            assertThat(JsonValues.parseObject(r.body()).get("error"))
                    .as(c.path())
                    .asString()
                    .isNotBlank();
        }
        assertThat(exportCount()).isEqualTo(jobsBefore);
        assertThat(exportObjects()).isEmpty();
    }

    private static int exportCount() throws Exception {
        return ((List<?>) JsonValues.parseObject(
                                send("GET", "/v1/nvr/exports", null).body())
                        .get("exports"))
                .size();
    }

    /** Files under the exports prefix in the embedded S3 server's data directory. */
    private static List<Path> exportObjects() throws java.io.IOException {
        try (var files = Files.walk(data.resolve("s3"))) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().contains("/exports/"))
                    .toList();
        }
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(kvr.baseUrl() + path));
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void checkFile(Path file, double seconds, String codec, String tag) {
        var probe = FFmpegTools.probe(file.toString());
        assertThat(probe.formatName()).contains("mp4");
        var video0 = probe.firstStream("video").orElseThrow();
        assertThat(Double.parseDouble((String) video0.get("duration")))
                .as("video duration of " + file)
                .isCloseTo(seconds, org.assertj.core.data.Offset.offset(FRAME + 0.005));
        double audioStart = Double.parseDouble(
                (String) probe.firstStream("audio").orElseThrow().get("start_time"));
        if (audioStart < FRAME) {
            assertThat(Double.parseDouble((String) probe.format().get("duration")))
                    .as("duration of " + file)
                    .isCloseTo(seconds, org.assertj.core.data.Offset.offset(FRAME + 0.005));
        } else {
            // the recording has no sound at the start (seen with the test camera on a loaded machine): FFmpeg then
            // counts the audio track's last packets whole, past the edit list's end
            System.out.println("audio of " + file + " starts at " + audioStart + " s; format duration "
                    + probe.format().get("duration") + " for " + seconds + " s requested");
        }
        assertThat(Math.abs(Double.parseDouble((String) probe.format().get("start_time"))))
                .as("start of " + file)
                .isLessThan(0.001);
        var video = probe.firstStream("video").orElseThrow();
        assertThat(video).containsEntry("codec_name", codec).containsEntry("codec_tag_string", tag);
        assertThat(probe.firstStream("audio").orElseThrow()).containsEntry("codec_name", "aac");
        var decoded = FFmpegTools.decode(Duration.ofSeconds(120), file.toString());
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
    private static double media(String stream, long start, long end) {
        // read after the export: a later segment can overlap the range when the camera's wall clock was corrected
        List<SegmentRecord> segments = segments(stream);
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

    /** Seconds per pts unit of the video in {@code framemd5} output ({@code #tb 0: 1/25}). */
    private static double frameTimeBase(Path file) {
        var r = FFmpegTools.ffmpeg(
                Duration.ofSeconds(120), "-v", "error", "-i", file.toString(), "-an", "-f", "framemd5", "-");
        String line = r.stdout()
                .lines()
                .filter(l -> l.startsWith("#tb 0:"))
                .findFirst()
                .orElseThrow();
        String[] frac = line.substring(6).trim().split("/");
        return Double.parseDouble(frac[0]) / Double.parseDouble(frac[1]);
    }

    /** {@code framemd5} lines of the video: stream, dts, pts, duration, size, hash. */
    private static List<String[]> frames(Path file) {
        var r = FFmpegTools.ffmpeg(
                Duration.ofSeconds(120), "-v", "error", "-i", file.toString(), "-an", "-f", "framemd5", "-");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        return r.stdout()
                .lines()
                .filter(l -> !l.startsWith("#"))
                .map(l -> l.split(","))
                .toList();
    }

    private static Path download(String stream, long start, long end, boolean precise, String name) throws Exception {
        HttpResponse<Path> r = get(stream, start, end, precise, name);
        assertThat(r.statusCode()).as("export " + name).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Length").map(Long::parseLong))
                .hasValue(Files.size(r.body()));
        return r.body();
    }

    private static HttpResponse<Path> get(String stream, long start, long end, boolean precise, String name)
            throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(exportUri(stream, start, end, precise)).build(),
                HttpResponse.BodyHandlers.ofFile(
                        out.resolve(name),
                        java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.WRITE,
                        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING));
    }

    private static URI exportUri(String stream, long start, long end, boolean precise) {
        return URI.create(kvr.baseUrl() + "/" + stream + "/export.mp4?start_time=" + start + "&end_time=" + end
                + (precise ? "" : "&precise=false"));
    }

    private static List<SegmentRecord> segments(String stream) {
        return kvr.index().latest(stream, 1000).stream()
                .map(IndexedSegment::segment)
                .toList();
    }

    private static long recorded(String stream) {
        List<SegmentRecord> s = segments(stream);
        return s.isEmpty() ? 0 : s.get(s.size() - 1).getEndTimeMs() - s.get(0).getStartTimeMs();
    }
}
