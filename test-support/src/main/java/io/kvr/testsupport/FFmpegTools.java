package io.kvr.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;

/**
 * The {@code ffmpeg} and {@code ffprobe} executables shipped inside JavaCPP's FFmpeg jar
 * ({@code org.bytedeco:ffmpeg:linux-x86_64}, the LGPL build: H.264 encoding only via libopenh264,
 * no x264/x265, no drawtext), so tests need no system FFmpeg. The first call unpacks them to
 * {@code ~/.javacpp/cache}.
 */
public final class FFmpegTools {
    /** Default bound for {@link #probeJson(String)} and {@link #probe(String)}. */
    public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

    private static final int MAX_CAPTURE = 32 << 20; // per stream, bytes

    private FFmpegTools() {}

    /** Result of running a command. */
    public record Result(
            List<String> command, int exitCode, String stdout, String stderr, boolean timedOut, Duration elapsed) {
        /** Exited with 0 before the timeout. */
        public boolean ok() {
            return !timedOut && exitCode == 0;
        }

        /** Returns this result if {@link #ok()}, else throws with the command, exit code and stderr. */
        public Result orThrow() {
            if (!ok()) {
                throw new IllegalStateException(describe());
            }
            return this;
        }

        /** One-paragraph summary for failure messages. */
        public String describe() {
            String status =
                    timedOut ? "timed out after " + elapsed.toMillis() + " ms (killed)" : "exit code " + exitCode;
            return String.join(" ", command) + ": " + status + "\n--- stderr ---\n" + tail(stderr, 4000);
        }
    }

    /** Parsed {@code ffprobe -show_streams -show_format -of json} output. */
    public record Probe(String json, List<Map<String, Object>> streams, Map<String, Object> format) {
        /** Streams whose {@code codec_type} is {@code video}, {@code audio}, {@code data}, ... */
        public List<Map<String, Object>> streams(String codecType) {
            return streams.stream()
                    .filter(s -> codecType.equals(s.get("codec_type")))
                    .toList();
        }

        /** The first stream of that type, if any. */
        public Optional<Map<String, Object>> firstStream(String codecType) {
            return streams(codecType).stream().findFirst();
        }

        /** {@code codec_name} of every stream, in stream order (e.g. {@code [h264, aac]}). */
        public List<String> codecNames() {
            return streams.stream()
                    .map(s -> String.valueOf(s.get("codec_name")))
                    .toList();
        }

        /** {@code format_name} (e.g. {@code rtsp}, {@code mov,mp4,m4a,3gp,3g2,mj2}, {@code hls}). */
        public String formatName() {
            return String.valueOf(format.get("format_name"));
        }
    }

    /** Absolute path of the bundled {@code ffmpeg} executable. */
    public static Path ffmpeg() {
        return Binaries.FFMPEG;
    }

    /** Absolute path of the bundled {@code ffprobe} executable. */
    public static Path ffprobe() {
        return Binaries.FFPROBE;
    }

    /** Runs the bundled ffmpeg with these arguments ({@code -nostdin} is added). */
    public static Result ffmpeg(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ffmpeg().toString());
        cmd.add("-nostdin");
        cmd.addAll(Arrays.asList(args));
        return run(timeout, cmd);
    }

    /**
     * Decodes {@code input} to nothing, errors only: {@code ffmpeg -v error -i input [outputOptions] -f null -}.
     * The null output keeps the demuxer's time base ({@code -enc_time_base demux}): by default FFmpeg rounds frame
     * times to 1/frame-rate for it, and two frames closer than a frame apart (a camera that repeats a timestamp)
     * would collide there and be reported as "non monotonically increasing dts" although every frame decodes.
     * Frames with equal times are still reported.
     */
    public static Result decode(Duration timeout, String input, String... outputOptions) {
        List<String> args = new ArrayList<>(List.of("-v", "error", "-i", input));
        args.addAll(Arrays.asList(outputOptions));
        args.addAll(List.of("-enc_time_base", "demux", "-f", "null", "-"));
        return ffmpeg(timeout, args.toArray(String[]::new));
    }

    /**
     * What is wrong with a recorded file: the errors of {@link #decode} and, from {@code ffprobe} on the file itself,
     * any video packet whose decode time does not follow the previous one's or whose presentation time repeats one.
     * {@code excused} holds the null output's "non monotonically increasing dts to muxer" lines when the file's own
     * times are in order: those lines are about the times FFmpeg's decoder makes up for the frames it outputs (a
     * frame it conceals or outputs without a time of its own is placed one frame after the previous, where the next
     * frame may already be), not about times the file states.
     */
    public record DecodeCheck(List<String> errors, List<String> excused) {
        public boolean clean() {
            return errors.isEmpty();
        }
    }

    /** Decodes {@code file} and checks its video packet times: see {@link DecodeCheck}. */
    public static DecodeCheck decodeCheck(Duration timeout, String file) {
        Result decoded = decode(timeout, file);
        List<String> errors = new ArrayList<>();
        if (!decoded.ok()) {
            errors.add(decoded.describe());
        }
        Result packets = ffprobe(
                timeout,
                "-v",
                "error",
                "-select_streams",
                "v:0",
                "-show_entries",
                "packet=pts,dts",
                "-of",
                "csv=p=0",
                file);
        if (!packets.ok()) {
            errors.add(packets.describe());
        }
        long lastDts = Long.MIN_VALUE;
        java.util.Set<Long> shown = new java.util.HashSet<>();
        int n = 0;
        for (String line : packets.stdout().lines().toList()) {
            String[] f = line.trim().split(",");
            if (f.length < 2 || f[0].equals("N/A") || f[1].equals("N/A")) {
                errors.add("video packet " + n + " without a time: " + line);
            } else {
                long pts = Long.parseLong(f[0]);
                long dts = Long.parseLong(f[1]);
                if (dts <= lastDts) {
                    errors.add("video packet " + n + ": dts " + dts + " after " + lastDts);
                }
                if (!shown.add(pts)) {
                    errors.add("video packet " + n + ": pts " + pts + " repeats an earlier packet's");
                }
                lastDts = dts;
            }
            n++;
        }
        List<String> excused = new ArrayList<>();
        for (String line : decoded.stderr().lines().toList()) {
            if (line.isBlank()) {
                continue;
            }
            if (line.contains("non monotonically increasing dts to muxer")) {
                excused.add(line);
            } else {
                errors.add(line);
            }
        }
        return new DecodeCheck(List.copyOf(errors), List.copyOf(excused));
    }

    /** Runs the bundled ffprobe with these arguments. */
    public static Result ffprobe(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ffprobe().toString());
        cmd.addAll(Arrays.asList(args));
        return run(timeout, cmd);
    }

    /**
     * Runs a command ({@code command[0]} is the program, e.g. {@code ffmpeg().toString()}), capturing
     * stdout and stderr as UTF-8 text (up to 32 MB each). Stdin is closed. On timeout the process and its
     * descendants are killed and the result has {@code timedOut() == true}.
     */
    public static Result run(Duration timeout, String... command) {
        return run(timeout, Arrays.asList(command));
    }

    /** As {@link #run(Duration, String...)}. */
    public static Result run(Duration timeout, List<String> command) {
        Objects.requireNonNull(timeout, "timeout");
        List<String> cmd = List.copyOf(command);
        long t0 = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd.get(0), e);
        }
        Capture out = new Capture(p.getInputStream(), "stdout");
        Capture err = new Capture(p.getErrorStream(), "stderr");
        boolean timedOut = false;
        try {
            if (!p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                timedOut = true;
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            out.join();
            err.join();
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", cmd), e);
        }
        int code = p.isAlive() ? -1 : p.exitValue();
        return new Result(cmd, code, out.text(), err.text(), timedOut, Duration.ofNanos(System.nanoTime() - t0));
    }

    /**
     * {@code ffprobe -v error -show_streams -show_format -of json <urlOrFile>} as a JSON string; for
     * {@code rtsp://} URLs {@code -rtsp_transport tcp} and a 10 s socket timeout are added.
     *
     * @throws IllegalStateException if ffprobe fails or takes longer than {@link #PROBE_TIMEOUT}
     */
    public static String probeJson(String urlOrFile) {
        return probeJson(urlOrFile, PROBE_TIMEOUT);
    }

    /** As {@link #probeJson(String)} with an explicit timeout. */
    public static String probeJson(String urlOrFile, Duration timeout) {
        List<String> args = new ArrayList<>(List.of(ffprobe().toString(), "-v", "error"));
        if (urlOrFile.startsWith("rtsp://") || urlOrFile.startsWith("rtsps://")) {
            args.addAll(List.of("-rtsp_transport", "tcp", "-timeout", "10000000"));
        }
        args.addAll(List.of("-show_streams", "-show_format", "-of", "json", urlOrFile));
        return run(timeout, args).orThrow().stdout();
    }

    /** {@link #probeJson(String)} parsed. */
    public static Probe probe(String urlOrFile) {
        return probe(urlOrFile, PROBE_TIMEOUT);
    }

    /** {@link #probeJson(String, Duration)} parsed. */
    @SuppressWarnings("unchecked")
    public static Probe probe(String urlOrFile, Duration timeout) {
        String json = probeJson(urlOrFile, timeout);
        Map<String, Object> root = JsonValues.parseObject(json);
        List<Map<String, Object>> streams = new ArrayList<>();
        if (root.get("streams") instanceof List<?> list) {
            for (Object o : list) {
                streams.add((Map<String, Object>) o);
            }
        }
        Map<String, Object> format = root.get("format") instanceof Map<?, ?> f ? (Map<String, Object>) f : Map.of();
        return new Probe(json, List.copyOf(streams), format);
    }

    static String tail(String s, int max) {
        return s.length() <= max ? s : "..." + s.substring(s.length() - max);
    }

    /** Lazily unpacked executables. */
    private static final class Binaries {
        static final Path FFMPEG = load(org.bytedeco.ffmpeg.ffmpeg.class);
        static final Path FFPROBE = load(org.bytedeco.ffmpeg.ffprobe.class);

        private static Path load(Class<?> program) {
            String path = Loader.load(program);
            if (path == null) {
                throw new IllegalStateException("JavaCPP did not unpack " + program.getName()
                        + " (is org.bytedeco:ffmpeg:linux-x86_64 on the test class path?)");
            }
            return Path.of(path).toAbsolutePath();
        }
    }

    /** Drains a stream on a virtual thread, keeping at most MAX_CAPTURE bytes. */
    private static final class Capture {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final Thread thread;
        private volatile boolean truncated;

        Capture(InputStream in, String name) {
            thread = Thread.ofVirtual().name("capture-" + name).start(() -> {
                byte[] b = new byte[8192];
                try (in) {
                    int n;
                    while ((n = in.read(b)) >= 0) {
                        synchronized (buf) {
                            int room = MAX_CAPTURE - buf.size();
                            if (room > 0) {
                                buf.write(b, 0, Math.min(n, room));
                            }
                            if (n > room) {
                                truncated = true;
                            }
                        }
                    }
                } catch (IOException ignored) {
                    // process killed or stream closed
                }
            });
        }

        void join() throws InterruptedException {
            thread.join(Duration.ofSeconds(10));
        }

        String text() {
            synchronized (buf) {
                String s = buf.toString(StandardCharsets.UTF_8);
                return truncated ? s + "\n[truncated at " + MAX_CAPTURE + " bytes]" : s;
            }
        }
    }
}
