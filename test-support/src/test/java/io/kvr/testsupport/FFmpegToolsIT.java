package io.kvr.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FFmpegToolsIT {

    @Test
    void bundledBinariesRun() {
        assertThat(Files.isExecutable(FFmpegTools.ffmpeg())).isTrue();
        assertThat(Files.isExecutable(FFmpegTools.ffprobe())).isTrue();
        FFmpegTools.Result r =
                FFmpegTools.ffmpeg(Duration.ofSeconds(30), "-version").orThrow();
        assertThat(r.stdout()).startsWith("ffmpeg version");
        assertThat(FFmpegTools.ffprobe(Duration.ofSeconds(30), "-version")
                        .orThrow()
                        .stdout())
                .startsWith("ffprobe version");
    }

    @Test
    void makesAndProbesAClip(@TempDir Path dir) {
        Path clip = dir.resolve("clip.mp4");
        FFmpegTools.ffmpeg(
                        Duration.ofSeconds(60),
                        "-v",
                        "error",
                        "-f",
                        "lavfi",
                        "-i",
                        "testsrc2=size=320x180:rate=25",
                        "-t",
                        "1",
                        "-c:v",
                        "libopenh264",
                        "-pix_fmt",
                        "yuv420p",
                        clip.toString())
                .orThrow();
        FFmpegTools.Probe probe = FFmpegTools.probe(clip.toString());
        assertThat(probe.codecNames()).containsExactly("h264");
        assertThat(probe.firstStream("video")).get().satisfies(v -> {
            assertThat(v).containsEntry("width", 320L).containsEntry("height", 180L);
        });
        assertThat(probe.formatName()).contains("mp4");
        assertThat(FFmpegTools.probeJson(clip.toString())).contains("\"codec_name\": \"h264\"");
    }

    @Test
    void killsOnTimeout() {
        FFmpegTools.Result r = FFmpegTools.ffmpeg(
                Duration.ofMillis(1500), "-v", "error", "-re", "-f", "lavfi", "-i", "testsrc2", "-f", "null", "-");
        assertThat(r.timedOut()).isTrue();
        assertThat(r.ok()).isFalse();
        assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void reportsFailure() {
        FFmpegTools.Result r = FFmpegTools.ffprobe(Duration.ofSeconds(30), "-v", "error", "/nonexistent/file.mp4");
        assertThat(r.ok()).isFalse();
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("No such file");
    }
}
