package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.kvr.testsupport.FFmpegTools;
import io.kvr.testsupport.JsonValues;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real publishers push to kvr's RTSP server, all at once, and each pushed stream is recorded like a camera: FFmpeg
 * over TCP with H.264 + AAC, with H.264 + Opus and with H.265 (a clip GStreamer's x265 encodes first: the bundled
 * FFmpeg has no H.265 encoder), GStreamer's {@code rtspclientsink} over UDP with H.264 + G.711 µ-law. Live GStreamer
 * publishers with x265, or with Opus beside x264, stopped sending for good a couple of seconds into a push, now and
 * then on a loaded machine (kvr idle, both socket queues empty, over TCP and UDP alike). Each stream is listed by {@code /v1/streams}, the
 * recordings API shows its span, a range playlist of the span decodes with its video and AAC audio (G.711 and Opus
 * transcoded by the bridge), and a direct export of part of it decodes clean with both tracks.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RtspPublishersIT {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Long enough for several 2 s segments. */
    private static final int SECONDS = 16;

    @TempDir
    static Path data;

    static KvrServer kvr;
    static int port;

    @BeforeAll
    static void start() {
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
                    "publish.open=true"
                }),
                Map.of());
        port = kvr.bridge().rtspPort().orElseThrow();
    }

    @AfterAll
    static void stop() {
        if (kvr != null) {
            kvr.close();
        }
    }

    private static String url(String stream) {
        return "rtsp://127.0.0.1:" + port + "/" + stream;
    }

    /**
     * x264 with its profile fixed. Left open, x264enc encodes the first picture in High 4:4:4 (the SDP's
     * parameter sets say so), then renegotiates with the RTP payloader to Constrained Baseline and starts again
     * with new in-band parameter sets: a real change of configuration, which kvr records as a new ingest session
     * (a 40 ms span of one picture, then the rest).
     */
    private static final String X264 = "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=25"
            + " ! video/x-h264,profile=constrained-baseline ! h264parse";

    /**
     * GStreamer: live test video (and audio), {@code video} and {@code audio} encoders, pushed with RTP over UDP.
     * Over TCP, rtspclientsink 1.22 stopped sending for good a few seconds into a push, now and then on a loaded
     * machine, with kvr's side idle and both socket queues empty (its sending threads all waiting on a lock); RTP
     * over UDP leaves the RTSP connection to requests. FFmpeg covers TCP.
     */
    private static List<String> gstreamer(String stream, String video, String audio) {
        int frames = SECONDS * 25;
        StringBuilder p = new StringBuilder("rtspclientsink name=s protocols=udp location=" + url(stream)
                + " videotestsrc is-live=true num-buffers=" + frames
                + " ! video/x-raw,width=640,height=360,framerate=25/1 ! " + video + " ! s.");
        if (audio != null) {
            p.append(" audiotestsrc is-live=true wave=ticks ").append(audio).append(" ! s.");
        }
        List<String> cmd = new java.util.ArrayList<>(List.of("gst-launch-1.0", "-e", "-q"));
        cmd.addAll(List.of(p.toString().split(" ")));
        return cmd;
    }

    @Test
    @Order(1)
    void fourPublishersPushAtOnce() {
        Map<String, CompletableFuture<FFmpegTools.Result>> pushes = new LinkedHashMap<>();
        pushes.put(
                "push/ffmpeg-h264aac",
                CompletableFuture.supplyAsync(() -> FFmpegTools.ffmpeg(
                        Duration.ofSeconds(120),
                        "-v",
                        "error",
                        "-re",
                        "-f",
                        "lavfi",
                        "-i",
                        "testsrc=size=640x360:rate=25",
                        "-f",
                        "lavfi",
                        "-i",
                        "sine",
                        "-t",
                        Integer.toString(SECONDS),
                        "-c:v",
                        "libopenh264",
                        "-g",
                        "25",
                        "-c:a",
                        "aac",
                        "-f",
                        "rtsp",
                        "-rtsp_transport",
                        "tcp",
                        url("push/ffmpeg-h264aac"))));
        Path h265 = data.resolve("h265.mkv");
        // encoded ahead (faster than real time, no live x265 beside the other publishers), then pushed in real time
        FFmpegTools.Result encoded = FFmpegTools.run(
                Duration.ofSeconds(120),
                List.of(("gst-launch-1.0 -e -q videotestsrc num-buffers=" + SECONDS * 25
                                + " ! video/x-raw,width=320,height=180,framerate=25/1 ! x265enc speed-preset=ultrafast"
                                + " key-int-max=25 option-string=frame-threads=1:pools=none ! h265parse ! matroskamux"
                                + " ! filesink location=" + h265)
                        .split(" ")));
        assertThat(encoded.ok()).as(encoded.describe()).isTrue();
        pushes.put(
                "push/ffmpeg-h265",
                CompletableFuture.supplyAsync(() -> FFmpegTools.ffmpeg(
                        Duration.ofSeconds(120),
                        "-v",
                        "error",
                        "-re",
                        "-i",
                        h265.toString(),
                        "-c",
                        "copy",
                        "-f",
                        "rtsp",
                        "-rtsp_transport",
                        "tcp",
                        url("push/ffmpeg-h265"))));
        pushes.put(
                "push/ffmpeg-h264opus",
                CompletableFuture.supplyAsync(() -> FFmpegTools.ffmpeg(
                        Duration.ofSeconds(120),
                        "-v",
                        "error",
                        "-re",
                        "-f",
                        "lavfi",
                        "-i",
                        "testsrc=size=640x360:rate=25",
                        "-f",
                        "lavfi",
                        "-i",
                        "sine=sample_rate=48000",
                        "-t",
                        Integer.toString(SECONDS),
                        "-c:v",
                        "libopenh264",
                        "-g",
                        "25",
                        "-c:a",
                        "libopus",
                        "-f",
                        "rtsp",
                        "-rtsp_transport",
                        "tcp",
                        url("push/ffmpeg-h264opus"))));
        pushes.put(
                "push/gst-h264pcmu",
                CompletableFuture.supplyAsync(() -> FFmpegTools.run(
                        Duration.ofSeconds(180),
                        gstreamer(
                                "push/gst-h264pcmu",
                                X264,
                                "num-buffers=" + (SECONDS * 50)
                                        + " samplesperbuffer=160 ! audio/x-raw,rate=8000,channels=1 ! mulawenc"))));
        pushes.forEach((stream, push) -> {
            FFmpegTools.Result r = push.join();
            assertThat(r.ok()).as("%s: %s", stream, r.describe()).isTrue();
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "push/ffmpeg-h264aac, h264, aac",
        "push/ffmpeg-h265, hevc, ''",
        "push/ffmpeg-h264opus, h264, aac",
        "push/gst-h264pcmu, h264, aac",
    })
    @Order(2)
    void eachPushIsListedRecordedPlayedAndExported(String stream, String video, String audio) throws Exception {
        String[] name = stream.split("/");
        await(stream + " listed with segments")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> listed(name[0], name[1]) >= 4);

        Map<String, Object> recordings = JsonValues.parseObject(
                get("/v1/streams/" + stream + "/recordings").body());
        List<?> spans = (List<?>) recordings.get("spans");
        // one push, one ingest session: the AAC track the bridge makes of G.711 or Opus starts none of its own
        // (see X264 for a publisher that changes its configuration)
        assertThat(spans).as("%s", recordings).hasSize(1);
        Map<?, ?> span = (Map<?, ?>) spans.get(0);
        long start = ((Number) span.get("start")).longValue();
        long end = ((Number) span.get("end")).longValue();
        assertThat(end - start).as("%s", recordings).isGreaterThanOrEqualTo(6_000);

        String playlist = kvr.baseUrl() + "/" + stream + "/playlist.m3u8?start_time=" + start + "&end_time=" + end;
        FFmpegTools.Result decoded = FFmpegTools.decode(Duration.ofSeconds(120), playlist);
        assertThat(decoded.exitCode()).as(decoded.describe()).isZero();
        List<String> expected = audio.isBlank() ? List.of(video) : List.of(video, audio);
        assertThat(FFmpegTools.probe(playlist).codecNames()).containsExactlyInAnyOrderElementsOf(expected);

        Path export = data.resolve(name[1] + ".mp4");
        HttpResponse<Path> exported = HTTP.send(
                HttpRequest.newBuilder(URI.create(kvr.baseUrl() + "/" + stream + "/export.mp4?start_time="
                                + (start + 1_000) + "&duration=4000"))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofFile(export));
        assertThat(exported.statusCode()).isEqualTo(200);
        assertThat(Files.size(export)).isGreaterThan(10_000);
        FFmpegTools.DecodeCheck check = FFmpegTools.decodeCheck(Duration.ofSeconds(60), export.toString());
        assertThat(check.errors()).as("decoding the export of %s", stream).isEmpty();
        FFmpegTools.Probe probe = FFmpegTools.probe(export.toString());
        assertThat(probe.codecNames()).as("%s", probe.json()).containsExactlyInAnyOrderElementsOf(expected);
        if (!audio.isBlank()) {
            // the audio lies on the video's timeline, so the export holds as much of it as of the video
            double videoSeconds = seconds(probe.firstStream("video").orElseThrow());
            double audioSeconds = seconds(probe.firstStream("audio").orElseThrow());
            assertThat(audioSeconds).as("%s", probe.json()).isCloseTo(videoSeconds, within(0.5));
        }
    }

    private static double seconds(Map<String, Object> stream) {
        return Double.parseDouble(String.valueOf(stream.get("duration")));
    }

    /** The segments {@code /v1/streams} lists for the stream, 0 when it is not listed. */
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
}
