package io.kvr.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class DemoCameraIT {

    private static final Logger LOG = LoggerFactory.getLogger(DemoCameraIT.class);
    private static final long PTS_PER_SECOND = 90_000;

    @Test
    void aReaderGetsH264WithKeyframesEverySecondAndCanReconnect() throws Exception {
        try (DemoCamera camera = DemoCamera.start(0, "test-cam")) {
            assertThat(camera.url()).startsWith("udp://127.0.0.1:" + camera.port() + "?");

            PacketStats first = readPackets(camera.url(), Duration.ofSeconds(3));
            LOG.info("First reader: {}", first);
            assertThat(first.codecId()).isEqualTo(AV_CODEC_ID_H264);
            assertThat(first.width()).isEqualTo(DemoCamera.WIDTH);
            assertThat(first.height()).isEqualTo(DemoCamera.HEIGHT);
            assertThat(first.keyframes()).isGreaterThanOrEqualTo(2);
            assertThat(first.packets()).isGreaterThanOrEqualTo(50);
            assertThat(first.ptsAlwaysIncreasing()).isTrue();
            // 3 s of packets span ~3 s of PTS: timestamps follow the wall clock, not the tick count.
            assertThat(first.lastPts() - first.firstPts()).isBetween(2 * PTS_PER_SECOND, 4 * PTS_PER_SECOND);

            // A camera keeps no reader state: a second reader joins the same running stream.
            PacketStats second = readPackets(camera.url(), Duration.ofSeconds(2));
            LOG.info("Second reader: {}", second);
            assertThat(second.codecId()).isEqualTo(AV_CODEC_ID_H264);
            assertThat(second.keyframes()).isGreaterThanOrEqualTo(1);
            assertThat(second.firstPts()).isGreaterThan(first.lastPts());
        }
    }

    @Test
    void theBundledFfprobeAndFfmpegDecodeIt(@TempDir Path dir) throws Exception {
        try (DemoCamera camera = DemoCamera.start(0, "probe-cam")) {
            String ffprobe = Loader.load(org.bytedeco.ffmpeg.ffprobe.class);
            // The CLI tools probe a live stream for 5 s by default; 1.5 s covers a whole GOP.
            String json = run(List.of(
                    ffprobe,
                    "-v",
                    "error",
                    "-analyzeduration",
                    "1500000",
                    "-select_streams",
                    "v:0",
                    "-show_streams",
                    "-of",
                    "json",
                    camera.url()));
            assertThat(json)
                    .containsPattern("\"codec_name\"\\s*:\\s*\"h264\"")
                    .containsPattern("\"width\"\\s*:\\s*640")
                    .containsPattern("\"height\"\\s*:\\s*360")
                    .containsPattern("\"pix_fmt\"\\s*:\\s*\"yuv420p\"")
                    .containsPattern("\"has_b_frames\"\\s*:\\s*0");

            String ffmpeg = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
            Path png = dir.resolve("frame.png");
            run(List.of(
                    ffmpeg,
                    "-v",
                    "error",
                    "-analyzeduration",
                    "1500000",
                    "-i",
                    camera.url(),
                    "-frames:v",
                    "1",
                    "-y",
                    png.toString()));
            BufferedImage decoded = ImageIO.read(png.toFile());
            assertThat(decoded.getWidth()).isEqualTo(DemoCamera.WIDTH);
            assertThat(decoded.getHeight()).isEqualTo(DemoCamera.HEIGHT);
            // The rightmost colour bar is blue: the picture survived encoding, not just the headers.
            int rgb = decoded.getRGB(DemoCamera.WIDTH - 10, 10);
            assertThat(rgb & 0xff).isGreaterThan(120);
            assertThat((rgb >> 16) & 0xff).isLessThan(60);
        }
    }

    @Test
    void aFailingLoopStopsTheCameraWithoutThrowing() throws Exception {
        AtomicLong painted = new AtomicLong();
        FramePainter failing = (image, frameNumber, epochMillis) -> {
            if (painted.incrementAndGet() > 5) {
                throw new IllegalStateException("painter broke on purpose");
            }
        };
        DemoCamera camera = DemoCamera.start(0, "failing-cam", true, failing);
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> !camera.isRunning());
        long after = painted.get();
        TimeUnit.MILLISECONDS.sleep(200); // nothing to wait for: proving the loop stays stopped
        assertThat(painted.get()).isEqualTo(after);
        camera.close();
        camera.close();
    }

    @Test
    void withAudioAReaderAlsoGetsAacOnTheSameClock() throws Exception {
        try (DemoCamera camera = DemoCamera.start(0, "audio-cam", true);
                FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(camera.url())) {
            grabber.start();
            assertThat(grabber.getVideoCodec()).isEqualTo(AV_CODEC_ID_H264);
            assertThat(grabber.getAudioCodec()).isEqualTo(AV_CODEC_ID_AAC);
            assertThat(grabber.getSampleRate()).isEqualTo(48_000);
            assertThat(grabber.getAudioChannels()).isEqualTo(1);
            int video = grabber.getVideoStream();
            int audio = grabber.getAudioStream();
            long lastVideoPts = Long.MIN_VALUE;
            long lastAudioPts = Long.MIN_VALUE;
            int videoPackets = 0;
            int audioPackets = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < deadline) {
                AVPacket packet = grabber.grabPacket();
                assertThat(packet).isNotNull();
                if (packet.stream_index() == video) {
                    assertThat(packet.pts()).isGreaterThan(lastVideoPts);
                    lastVideoPts = packet.pts();
                    videoPackets++;
                } else if (packet.stream_index() == audio) {
                    assertThat(packet.pts()).isGreaterThan(lastAudioPts);
                    lastAudioPts = packet.pts();
                    audioPackets++;
                }
            }
            LOG.info(
                    "Audio camera: {} video packets, {} audio packets, last PTS video {} audio {}",
                    videoPackets,
                    audioPackets,
                    lastVideoPts,
                    lastAudioPts);
            assertThat(videoPackets).isGreaterThanOrEqualTo(50);
            // AAC frames are 1024 samples: ~47 per second at 48 kHz.
            assertThat(audioPackets).isGreaterThanOrEqualTo(100);
            // Both tracks are paced by the same clock: their newest timestamps stay close.
            assertThat(Math.abs(lastVideoPts - lastAudioPts)).isLessThan(PTS_PER_SECOND);
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> DemoCamera.start(-1, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DemoCamera.start(0, " ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DemoCamera.start(0, null)).isInstanceOf(NullPointerException.class);
    }

    private record PacketStats(
            int codecId,
            int width,
            int height,
            long openMillis,
            int packets,
            int keyframes,
            long firstPts,
            long lastPts,
            boolean ptsAlwaysIncreasing) {}

    private static PacketStats readPackets(String url, Duration duration) throws Exception {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(url)) {
            long opening = System.nanoTime();
            grabber.start();
            long openMillis = (System.nanoTime() - opening) / 1_000_000;
            int video = grabber.getVideoStream();
            int packets = 0;
            int keyframes = 0;
            long firstPts = Long.MIN_VALUE;
            long lastPts = Long.MIN_VALUE;
            boolean increasing = true;
            long deadline = System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < deadline) {
                AVPacket packet = grabber.grabPacket();
                if (packet == null) {
                    break;
                }
                if (packet.stream_index() != video) {
                    continue;
                }
                long pts = packet.pts();
                if (packets == 0) {
                    firstPts = pts;
                } else if (pts <= lastPts) {
                    increasing = false;
                }
                lastPts = pts;
                packets++;
                if ((packet.flags() & AV_PKT_FLAG_KEY) != 0) {
                    keyframes++;
                }
            }
            return new PacketStats(
                    grabber.getVideoCodec(),
                    grabber.getImageWidth(),
                    grabber.getImageHeight(),
                    openMillis,
                    packets,
                    keyframes,
                    firstPts,
                    lastPts,
                    increasing);
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(command))
                .redirectErrorStream(true)
                .start();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("Timed out: " + command);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue())
                .as("exit of %s, output:%n%s", command, output)
                .isZero();
        return output;
    }
}
