package io.kvr.launcher;

import static io.kvr.launcher.KvrPipelineIT.get;
import static io.kvr.launcher.KvrPipelineIT.playlistOrEmpty;
import static io.kvr.launcher.KvrPipelineIT.segments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvr.launcher.KvrPipelineIT.Segment;
import io.kvr.testsupport.FFmpegTools;
import io.kvr.testsupport.HlsJsPlayer;
import io.kvr.testsupport.HlsJsPlayer.Playback;
import io.kvr.testsupport.HlsJsPlayer.Session;
import io.kvr.testsupport.TestCamera;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The player checks against a real recording (GStreamer RTSP camera → bridge → Kafka → segmenter → S3 →
 * index → edge): hls.js in Debian's headless Chromium ({@link HlsJsPlayer}) plays live for 10 s, plays a past
 * range and seeks within it; a camera restart inside a range is an {@code EXT-X-DISCONTINUITY} that FFmpeg and
 * hls.js play across; HEVC is served as {@code hvc1} (playlist {@code CODECS} and init sample entry) and hls.js
 * says plainly when the browser cannot decode it (Debian's Chromium has no HEVC decoder) instead of pretending.
 *
 * <p>The player harness lives in {@code hls-edge/src/test/browser}; the test is here because only the launcher
 * runs the whole pipeline (apps never depend on each other).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HlsPlayersIT {
    private static final Logger log = LoggerFactory.getLogger(HlsPlayersIT.class);
    private static final String AVC = "players/avc";
    private static final String HEVC = "players/hevc";

    @TempDir
    static Path data;

    static HlsJsPlayer player;
    static TestCamera camera;
    static KvrServer kvr;

    @BeforeAll
    static void start() {
        player = HlsJsPlayer.find(); // before anything starts: a missing browser is an install hint, not a hang
        camera = TestCamera.start();
        Map<String, String> cameras = new LinkedHashMap<>();
        cameras.put(AVC, camera.url(TestCamera.H264_AAC));
        cameras.put(HEVC, camera.url(TestCamera.H265));
        kvr = KvrServer.start(
                KvrOptions.parse(new String[] {
                    "run", "--data", data.toString(), "--http", "127.0.0.1:0", "--kafka-port", "0", "--s3-port", "0"
                }),
                cameras);
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

    private static String url(String stream, String file) {
        return kvr.baseUrl() + "/" + stream + "/" + file;
    }

    private static List<Segment> awaitSegments(String stream, int count) {
        String live = url(stream, "index.m3u8");
        return await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> segments(playlistOrEmpty(live)), s -> s.size() >= count);
    }

    @Test
    @Order(1)
    void hlsJsPlaysTheLivePlaylistForTenSeconds() {
        awaitSegments(AVC, 3);
        Playback p = player.play(Session.of(url(AVC, "index.m3u8")).watch(10).timeout(Duration.ofSeconds(90)));
        log.info("live: {}", p);
        assertThat(p.fatal()).as("fatal hls.js error: %s", p).isEmpty();
        assertThat(p.playing()).as("playing: %s", p).isTrue();
        assertThat(p.stoppedBecause()).as("%s", p).isEqualTo("watched");
        // 10 s of wall time: currentTime moves on (not a timing assertion: stalls on a busy machine are allowed)
        assertThat(p.advanced()).as("currentTime advanced: %s", p).isGreaterThan(2.0);
        assertThat(p.monotonic()).as("currentTime never went back: %s", p).isTrue();
    }

    @Test
    @Order(2)
    void hlsJsPlaysAPastRangeAndSeeksWithinIt() throws Exception {
        List<Segment> live = awaitSegments(AVC, 6);
        long start = live.get(0).programDateTime().toEpochMilli() + 500;
        long duration = 8_000;
        String range = url(AVC, "playlist.m3u8?start_time=" + start + "&duration=" + duration);
        String vod = get(range).body();
        assertThat(vod).contains("#EXT-X-PLAYLIST-TYPE:VOD").endsWith("#EXT-X-ENDLIST\n");
        double total = segments(vod).stream().mapToDouble(Segment::seconds).sum();

        double seekTo = total - 3;
        Playback p = player.play(Session.of(range).seek(seekTo, total - 1.5).timeout(Duration.ofSeconds(90)));
        log.info("range of {} s, seek to {}: {}", total, seekTo, p);
        assertThat(p.fatal()).as("fatal hls.js error: %s", p).isEmpty();
        assertThat(p.seekLandedAt()).as("seeked: %s", p).isNotNull();
        assertThat(p.seekLandedAt()).as("seek landed where asked: %s", p).isBetween(seekTo - 1.0, seekTo + 1.0);
        assertThat(p.lastTime()).as("played on after the seek: %s", p).isGreaterThanOrEqualTo(total - 1.5);
    }

    @Test
    @Order(3)
    void hevcIsServedAsHvc1AndHlsJsDoesNotPretendToPlayWhatTheBrowserCannotDecode() throws Exception {
        awaitSegments(HEVC, 3);
        String master = get(url(HEVC, "master.m3u8")).body();
        Matcher codecs = Pattern.compile("CODECS=\"(hvc1\\.[^\",]+)").matcher(master);
        assertThat(codecs.find()).as("hvc1 CODECS in\n%s", master).isTrue();
        String hvc1 = codecs.group(1);

        String livePlaylist = get(url(HEVC, "index.m3u8")).body();
        String init = url(HEVC, initUris(livePlaylist).get(0));
        var probe = FFmpegTools.probe(init);
        assertThat(probe.firstStream("video").orElseThrow())
                .as("%s", probe.json())
                .containsEntry("codec_name", "hevc")
                .containsEntry("codec_tag_string", "hvc1");

        var decode = FFmpegTools.decode(Duration.ofSeconds(60), url(HEVC, "index.m3u8"), "-t", "3");
        assertThat(decode.exitCode()).as(decode.describe()).isZero();
        assertThat(decode.stderr()).as("ffmpeg errors").isBlank();

        Playback p = player.play(
                Session.of(url(HEVC, "master.m3u8")).askSupport(hvc1).watch(5).timeout(Duration.ofSeconds(45)));
        log.info("HEVC ({}) in {}: {}", hvc1, p.browser(), p);
        assertThat(p.mseTypeSupported()).as("asked MediaSource: %s", p).isPresent();
        if (p.mseTypeSupported().get()) {
            // a browser with an HEVC decoder (Safari, Chrome with hardware decoding) plays it
            assertThat(p.fatal()).as("%s", p).isEmpty();
            assertThat(p.advanced()).as("%s", p).isGreaterThan(1.0);
        } else {
            assertThat(p.fatal())
                    .as("hls.js reports the codec as unsupported: %s", p)
                    .isPresent();
            assertThat(p.fatal().get()).as("%s", p).containsIgnoringCase("codec");
            assertThat(p.advanced()).as("%s", p).isZero();
        }
    }

    @Test
    @Order(4)
    void aCameraRestartInsideARangeIsADiscontinuityThatFfmpegAndHlsJsPlayAcross() throws Exception {
        List<Segment> before = awaitSegments(AVC, 3);
        String lastBefore = before.get(before.size() - 1).uri();
        camera.restart();
        String live = url(AVC, "index.m3u8");
        // two segments of the new session after the break
        String playlist = await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> playlistOrEmpty(live),
                        p -> p.contains("#EXT-X-DISCONTINUITY")
                                && segments(p.substring(p.lastIndexOf("#EXT-X-DISCONTINUITY")))
                                                .size()
                                        >= 3);
        List<Segment> after = segments(playlist.substring(playlist.lastIndexOf("#EXT-X-DISCONTINUITY")));
        assertThat(segments(playlist)).extracting(Segment::uri).contains(lastBefore);

        // a range from 4 s before the last segment of the old session to 4 s into the new one
        Segment old = before.get(before.size() - 1);
        long start = old.programDateTime().toEpochMilli() - 4_000;
        long end = after.get(1).programDateTime().toEpochMilli() + 1_000;
        String range = url(AVC, "playlist.m3u8?start_time=" + start + "&end_time=" + end);
        String vod = get(range).body();
        assertThat(vod).as(vod).contains("#EXT-X-DISCONTINUITY").endsWith("#EXT-X-ENDLIST\n");
        assertThat(initUris(vod))
                .as("a new EXT-X-MAP after the break:\n%s", vod)
                .hasSize(2)
                .doesNotHaveDuplicates();
        int cut = vod.indexOf("#EXT-X-DISCONTINUITY");
        double beforeBreak = segments(vod.substring(0, cut)).stream()
                .mapToDouble(Segment::seconds)
                .sum();
        double afterBreak = segments(vod.substring(cut)).stream()
                .mapToDouble(Segment::seconds)
                .sum();
        assertThat(beforeBreak).as(vod).isGreaterThan(2.5);
        assertThat(afterBreak).as(vod).isGreaterThan(2.5);

        // FFmpeg decodes every frame on both sides without an error
        var frames = FFmpegTools.ffmpeg(
                Duration.ofSeconds(90),
                "-v",
                "error",
                "-i",
                range,
                "-map",
                "0:v",
                "-fps_mode",
                "passthrough",
                "-f",
                "framecrc",
                "-");
        assertThat(frames.exitCode()).as(frames.describe()).isZero();
        assertThat(frames.stderr())
                .as(
                        "ffmpeg errors across the discontinuity; segment by segment:%n%s%nin%n%s",
                        frames.stderr().isBlank() ? "" : eachSegmentDecoded(AVC, vod), vod)
                .isBlank();
        List<Long> dts = frames.stdout()
                .lines()
                .filter(l -> !l.startsWith("#"))
                .map(l -> Long.parseLong(l.split(",\\s*")[1]))
                .toList();
        int breakAt = 1;
        while (breakAt < dts.size() && dts.get(breakAt) - dts.get(breakAt - 1) <= 1) {
            breakAt++;
        }
        int framesAfter = dts.size() - breakAt;
        log.info(
                "range across the restart: {} s before, {} s after; FFmpeg decoded {} frames before the break, {} after",
                beforeBreak,
                afterBreak,
                breakAt,
                framesAfter);
        // FFmpeg 7.1's HLS demuxer may skip the first segment after a new EXT-X-MAP (its mp4 reader keeps going
        // with the old moov until the next fragment); what must hold is: all before, and it goes on after
        String context = "%d frames before the break (%.1f s), %d after (%.1f s); %s%nsegment by segment:%n%s%nin%n%s";
        boolean ok = breakAt >= Math.round((beforeBreak - 1) * 25) && framesAfter >= 25;
        assertThat(ok)
                .as(
                        context,
                        breakAt,
                        beforeBreak,
                        framesAfter,
                        afterBreak,
                        ok ? "" : jumps(frames.stdout()),
                        ok ? "" : eachSegmentDecoded(AVC, vod),
                        vod)
                .isTrue();

        // hls.js: from 1.5 s before the break to 2 s past it
        Playback p = player.play(
                Session.of(range).seek(beforeBreak - 1.5, beforeBreak + 2).timeout(Duration.ofSeconds(90)));
        log.info("hls.js across the discontinuity at {} s: {}", beforeBreak, p);
        assertThat(p.fatal()).as("fatal hls.js error: %s", p).isEmpty();
        assertThat(p.stoppedBecause()).as("%s", p).isEqualTo("reached");
        assertThat(p.lastTime()).as("%s", p).isGreaterThanOrEqualTo(beforeBreak + 2);
    }

    /** For a failure message: the first and last frame and every dts step unlike the usual one, in FFmpeg's framecrc. */
    private static String jumps(String framecrc) {
        List<String> lines = framecrc.lines().filter(l -> !l.startsWith("#")).toList();
        List<Long> dts =
                lines.stream().map(l -> Long.parseLong(l.split(",\\s*")[1])).toList();
        Map<Long, Long> steps = new java.util.HashMap<>();
        for (int i = 1; i < dts.size(); i++) {
            steps.merge(dts.get(i) - dts.get(i - 1), 1L, Long::sum);
        }
        long usual = steps.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey)
                .orElse(0L);
        StringBuilder out = new StringBuilder("usual step " + usual);
        int shown = 0;
        for (int i = 0; i < lines.size() && shown < 30; i++) {
            if (i == 0 || i == lines.size() - 1 || dts.get(i) - dts.get(i - 1) != usual) {
                out.append("\n  #").append(i).append(": ").append(lines.get(i));
                shown++;
            }
        }
        return out.toString();
    }

    /** For a failure message: FFmpeg's verdict on each segment of the playlist (with its init segment) alone. */
    private static String eachSegmentDecoded(String stream, String playlist) {
        StringBuilder out = new StringBuilder();
        String init = null;
        int n = 0;
        for (String line : playlist.split("\n")) {
            if (line.startsWith("#EXT-X-MAP:URI=\"")) {
                init = line.substring("#EXT-X-MAP:URI=\"".length(), line.lastIndexOf('"'));
            } else if (!line.isBlank() && !line.startsWith("#")) {
                try {
                    Path file = data.resolve("check-" + n++ + ".mp4");
                    try (var os = java.nio.file.Files.newOutputStream(file)) {
                        os.write(bytes(url(stream, init)));
                        os.write(bytes(url(stream, line)));
                    }
                    var r = FFmpegTools.decode(Duration.ofSeconds(30), file.toString());
                    var sizes = FFmpegTools.ffprobe(
                            Duration.ofSeconds(30),
                            "-v",
                            "error",
                            "-show_entries",
                            "packet=stream_index,size",
                            "-of",
                            "csv=p=0",
                            file.toString());
                    long empty = sizes.stdout()
                            .lines()
                            .filter(l -> l.endsWith(",0") || l.endsWith(","))
                            .count();
                    out.append(line)
                            .append(": exit ")
                            .append(r.exitCode())
                            .append(", ")
                            .append(empty)
                            .append(" empty packets ")
                            .append(r.stderr().strip())
                            .append('\n');
                } catch (Exception e) {
                    out.append(line).append(": ").append(e).append('\n');
                }
            }
        }
        return out.toString();
    }

    private static byte[] bytes(String url) throws Exception {
        return java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray())
                .body();
    }

    private static List<String> initUris(String playlist) {
        List<String> out = new ArrayList<>();
        for (String line : playlist.split("\n")) {
            if (line.startsWith("#EXT-X-MAP:URI=\"")) {
                String uri =
                        line.substring("#EXT-X-MAP:URI=\"".length(), line.indexOf('"', "#EXT-X-MAP:URI=\"".length()));
                if (!out.contains(uri)) {
                    out.add(uri);
                }
            }
        }
        return out;
    }
}
