package io.kvr.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * hls.js in Debian's headless Chromium: runs {@code hls-edge/src/test/browser/play.mjs} (playwright-core and
 * hls.js from npm, pinned by its {@code package-lock.json}; the browser is {@code /usr/bin/chromium}, never a
 * downloaded one) and returns what the player did; {@link Session#file(String)} plays a plain file (an MP4 export)
 * with the browser's own demuxer instead of hls.js. {@code ./dev/test} installs Chromium, Node.js and the
 * {@code node_modules} when missing.
 */
public final class HlsJsPlayer {
    /** The browser the harness drives. */
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    static final String HARNESS_DIR = "hls-edge/src/test/browser";
    private static final String INSTALL_HINT = "run ./dev/test once (it installs chromium and nodejs via apt-get and "
            + "runs npm ci in " + HARNESS_DIR + "), or: apt-get install chromium nodejs npm && (cd " + HARNESS_DIR
            + " && npm ci)";

    private final Path harness;

    private HlsJsPlayer(Path harness) {
        this.harness = harness;
    }

    /** The harness of this repository; fails with an install hint when Chromium or the npm packages are missing. */
    public static HlsJsPlayer find() {
        Path dir = RepoRoot.find().resolve(HARNESS_DIR);
        if (!Files.isExecutable(CHROMIUM)) {
            throw new IllegalStateException("no " + CHROMIUM + ": " + INSTALL_HINT);
        }
        if (!Files.isDirectory(dir.resolve("node_modules/playwright-core"))
                || !Files.isDirectory(dir.resolve("node_modules/hls.js"))) {
            throw new IllegalStateException("no node_modules in " + dir + ": " + INSTALL_HINT);
        }
        return new HlsJsPlayer(dir);
    }

    /**
     * What to do with a URL; build with {@link #of(String)}, or {@link #file(String)} for a plain media file that the
     * {@code <video>} element plays by itself (its {@code src}, no hls.js).
     */
    public record Session(
            String url,
            double watchSeconds,
            Double seekTo,
            Double until,
            Duration timeout,
            String codecs,
            boolean plainFile,
            boolean anyCertificate) {
        /** Loads {@code url} and plays it until it ends, fails or {@link #timeout} passes. */
        public static Session of(String url) {
            return new Session(url, 0, null, null, Duration.ofSeconds(60), null, false, false);
        }

        /** Plays the file at {@code url} (e.g. an MP4 export) as the {@code <video>}'s own {@code src}. */
        public static Session file(String url) {
            return new Session(url, 0, null, null, Duration.ofSeconds(60), null, true, false);
        }

        /** Stops after this much wall time of playback (live). */
        public Session watch(double seconds) {
            return new Session(url, seconds, seekTo, until, timeout, codecs, plainFile, anyCertificate);
        }

        /** Once playing, seeks to {@code to} seconds and stops when currentTime reaches {@code until}. */
        public Session seek(double to, double untilTime) {
            return new Session(url, watchSeconds, to, untilTime, timeout, codecs, plainFile, anyCertificate);
        }

        /** Stops when currentTime reaches {@code untilTime} (no seek). */
        public Session until(double untilTime) {
            return new Session(url, watchSeconds, seekTo, untilTime, timeout, codecs, plainFile, anyCertificate);
        }

        /** Gives up after this much wall time inside the page. */
        public Session timeout(Duration t) {
            return new Session(url, watchSeconds, seekTo, until, t, codecs, plainFile, anyCertificate);
        }

        /** Accepts the server's certificate whoever signed it (a test's self-signed one). */
        public Session trustAnyCertificate() {
            return new Session(url, watchSeconds, seekTo, until, timeout, codecs, plainFile, true);
        }

        /** Also asks {@code MediaSource.isTypeSupported} about {@code video/mp4; codecs="…"}. */
        public Session askSupport(String codecString) {
            return new Session(url, watchSeconds, seekTo, until, timeout, codecString, plainFile, anyCertificate);
        }
    }

    /** One currentTime reading, {@code t} seconds after the page started loading. */
    public record Sample(double t, double currentTime) {}

    /**
     * What the player did; {@code fatal} is hls.js's fatal error or the {@code <video>} element's MediaError
     * ({@code type/details: reason}), if any; {@code duration} (seconds, null while unknown or infinite) and the
     * video's decoded size are read from the element when the session ends.
     */
    public record Playback(
            String raw,
            String hlsVersion,
            String browser,
            Optional<String> fatal,
            List<String> errors,
            List<Sample> samples,
            boolean playing,
            boolean ended,
            String stoppedBecause,
            Optional<Boolean> mseTypeSupported,
            Double seekedTo,
            Double seekLandedAt,
            Double duration,
            int videoWidth,
            int videoHeight) {
        /** currentTime at the last sample. */
        public double lastTime() {
            return samples.isEmpty() ? 0 : samples.get(samples.size() - 1).currentTime();
        }

        /** How far currentTime moved forward from the first reading after it was positive. */
        public double advanced() {
            double first = samples.stream()
                    .mapToDouble(Sample::currentTime)
                    .filter(c -> c > 0)
                    .findFirst()
                    .orElse(0);
            return lastTime() - first;
        }

        /** Whether currentTime never went backwards except at the seek. */
        public boolean monotonic() {
            for (int i = 1; i < samples.size(); i++) {
                double prev = samples.get(i - 1).currentTime();
                double now = samples.get(i).currentTime();
                boolean aroundSeek = seekedTo != null && Math.abs(now - seekedTo) < 3;
                if (now + 0.05 < prev && !aroundSeek) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return raw;
        }
    }

    /** Plays a session in a fresh headless Chromium and returns the report. */
    public Playback play(Session s) {
        List<String> cmd = new ArrayList<>(List.of(
                "node",
                harness.resolve("play.mjs").toString(),
                "--url",
                s.url(),
                "--timeout",
                Long.toString(s.timeout().toSeconds()),
                "--chromium",
                CHROMIUM.toString()));
        if (s.watchSeconds() > 0) {
            cmd.addAll(List.of("--watch", Double.toString(s.watchSeconds())));
        }
        if (s.seekTo() != null) {
            cmd.addAll(List.of("--seek-to", Double.toString(s.seekTo())));
        }
        if (s.until() != null) {
            cmd.addAll(List.of("--until", Double.toString(s.until())));
        }
        if (s.codecs() != null) {
            cmd.addAll(List.of("--codecs", s.codecs()));
        }
        if (s.anyCertificate()) {
            cmd.addAll(List.of("--insecure", "true"));
        }
        if (s.plainFile()) {
            cmd.addAll(List.of("--mode", "file"));
        }
        // Chromium's start on a loaded machine takes tens of seconds: allow it beside the page's own timeout
        FFmpegTools.Result r = FFmpegTools.run(s.timeout().plusSeconds(90), cmd);
        String line = r.stdout().strip();
        int last = line.lastIndexOf('\n');
        line = last >= 0 ? line.substring(last + 1) : line;
        if (!line.startsWith("{")) {
            throw new IllegalStateException("hls.js harness printed no report: " + r.describe());
        }
        Map<?, ?> json = (Map<?, ?>) JsonValues.parse(line);
        if (json.containsKey("harnessError")) {
            throw new IllegalStateException("hls.js harness failed: " + json.get("harnessError") + "\n" + r.describe());
        }
        return parse(line, json);
    }

    private static Playback parse(String raw, Map<?, ?> json) {
        Optional<String> fatal = Optional.ofNullable((Map<?, ?>) json.get("fatal"))
                .map(f -> f.get("type") + "/" + f.get("details") + ": " + f.get("reason"));
        List<String> errors = new ArrayList<>();
        for (Object e : (List<?>) json.get("errors")) {
            Map<?, ?> m = (Map<?, ?>) e;
            errors.add(m.get("type") + "/" + m.get("details") + ": " + m.get("reason"));
        }
        List<Sample> samples = new ArrayList<>();
        for (Object o : (List<?>) json.get("samples")) {
            Map<?, ?> m = (Map<?, ?>) o;
            samples.add(new Sample(number(m.get("t")), number(m.get("currentTime"))));
        }
        Map<?, ?> seeked = (Map<?, ?>) json.get("seeked");
        return new Playback(
                raw,
                String.valueOf(json.get("hlsVersion")),
                String.valueOf(json.get("browser")),
                fatal,
                errors,
                samples,
                Boolean.TRUE.equals(json.get("playing")),
                Boolean.TRUE.equals(json.get("ended")),
                String.valueOf(json.get("stoppedBecause")),
                Optional.ofNullable((Boolean) json.get("mseTypeSupported")),
                seeked == null ? null : number(seeked.get("to")),
                seeked == null || seeked.get("landedAt") == null ? null : number(seeked.get("landedAt")),
                json.get("duration") == null ? null : number(json.get("duration")),
                (int) number(json.get("videoWidth")),
                (int) number(json.get("videoHeight")));
    }

    private static double number(Object o) {
        return o == null ? 0 : ((Number) o).doubleValue();
    }
}
