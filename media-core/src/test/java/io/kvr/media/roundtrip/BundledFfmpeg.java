package io.kvr.media.roundtrip;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;

/** The ffmpeg and ffprobe programs shipped in JavaCV's FFmpeg jar, run as processes with a time limit. */
final class BundledFfmpeg {

    /** What a finished process printed. */
    record Result(int exitCode, String stdout, String stderr) {}

    private BundledFfmpeg() {}

    static String ffmpeg() {
        return Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
    }

    static String ffprobe() {
        return Loader.load(org.bytedeco.ffmpeg.ffprobe.class);
    }

    static Result ffmpeg(String... args) throws IOException, InterruptedException {
        return run(ffmpeg(), args);
    }

    static Result ffprobe(String... args) throws IOException, InterruptedException {
        return run(ffprobe(), args);
    }

    private static Result run(String program, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(program));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("kvr-ffmpeg", ".out");
        Path err = Files.createTempFile("kvr-ffmpeg", ".err");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out: " + command);
            }
            return new Result(
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
