package io.kvr.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live test RTSP camera: runs {@code /usr/bin/python3 dev/test-camera.py} (GStreamer's gst-rtsp-server)
 * on 127.0.0.1 and waits until it listens.
 *
 * <pre>{@code
 * try (TestCamera cam = TestCamera.start()) {
 *     String url = cam.url(TestCamera.H264);   // rtsp://127.0.0.1:<port>/h264
 *     ...
 *     cam.stop();      // camera "goes away"; the port stays reserved for this camera
 *     cam.restart();   // back on the same port, new RTP session (new SSRC, timestamps)
 * }
 * }</pre>
 *
 * Mounts (live, shared by all clients): {@value #H264} (H.264 640x360 25 fps, GOP 25),
 * {@value #H265} (H.265, same), {@value #H264_AAC} (H.264 + AAC 48 kHz mono), {@value #H265_AAC},
 * {@value #H264_PCMU}, {@value #H264_BFRAMES}, {@value #TCP_ONLY}, {@value #H264_SWITCH}, {@value #AUTH}, {@value #BASIC}, {@value #UDP_SILENT}, {@value #H264_OPUS}, {@value #MPEG4} and {@value #MPEG4_SWITCH} when the
 * encoders are installed (see {@code dev/test-camera.py} and {@link #mounts()}). The camera's output goes to the SLF4J logger
 * {@code io.kvr.testsupport.TestCamera} (DEBUG) and {@link #recentOutput()}. The process also exits by
 * itself when this JVM dies (its stdin closes).
 */
public final class TestCamera implements AutoCloseable {
    public static final String H264 = "/h264";
    public static final String H265 = "/h265";
    public static final String H264_AAC = "/h264aac";
    /** H.265 + AAC 48 kHz mono. */
    public static final String H265_AAC = "/h265aac";
    /** H.264 + G.711 µ-law 8 kHz mono (RTP payload type 0). */
    public static final String H264_PCMU = "/h264pcmu";
    /** H.264 with B-frames (I P B B ...: decode order differs from presentation order). */
    public static final String H264_BFRAMES = "/h264b";
    /** H.264 served over RTSP interleaved TCP only: a UDP SETUP is refused with 461. */
    public static final String TCP_ONLY = "/tcponly";
    /** H.264 whose picture size alternates every 4 s (new SPS/PPS in band with the keyframe after a change). */
    public static final String H264_SWITCH = "/h264switch";
    /** H.264 behind RTSP Digest authentication as {@value #AUTH_USER} / {@link #AUTH_PASSWORD}. */
    public static final String AUTH = "/auth";
    /** H.264 behind RTSP Basic authentication (the challenge offers Basic only), same user and password. */
    public static final String BASIC = "/basic";
    /** H.264 whose RTP over UDP never arrives (the server drops it; TCP works): transport auto must fall back. */
    public static final String UDP_SILENT = "/udpsilent";
    /** H.264 + Opus 48 kHz mono. */
    public static final String H264_OPUS = "/h264opus";
    /** MPEG-4 Part 2 (Visual Simple Profile) 640x360 25 fps, GOP 25: a pre-encoded clip, looped. */
    public static final String MPEG4 = "/mpeg4";
    /** MPEG-4 Part 2 whose picture size alternates every 4 s (640x360, 320x180; a new VOL header in band). */
    public static final String MPEG4_SWITCH = "/mpeg4switch";

    public static final String AUTH_USER = "kvr";
    public static final String AUTH_PASSWORD = "s3cret-pw";

    /** Bound for the camera to start listening. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final String HOST = "127.0.0.1";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REBIND_TIMEOUT = Duration.ofSeconds(15);
    private static final int RECENT_LINES = 300;
    private static final String INSTALL_HINT = "run ./dev/test once (it installs the GStreamer RTSP server and "
            + "plugins via apt-get), or: apt-get install gstreamer1.0-rtsp gir1.2-gst-rtsp-server-1.0 python3-gst-1.0 "
            + "gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad "
            + "gstreamer1.0-plugins-ugly gstreamer1.0-libav";

    private static final Logger log = LoggerFactory.getLogger(TestCamera.class);

    private final Path root;
    private final Path script;
    /** PEM with certificate and key: every mount over RTSP on TLS ({@code rtsps://}); null for plain RTSP. */
    private final Path tlsPem;

    private final Deque<String> recent = new ArrayDeque<>();
    private volatile int port;
    private volatile Set<String> mounts = Set.of();
    private Process process; // guarded by this
    private Thread reader; // guarded by this
    private boolean closed; // guarded by this

    private TestCamera(Path root, Path tlsPem) {
        this.root = root;
        this.tlsPem = tlsPem;
        this.script = root.resolve(RepoRoot.MARKER);
    }

    /** Starts a camera on a free port (chosen by the camera's OS socket, so no race). */
    public static TestCamera start() {
        return start(0);
    }

    /** Starts a camera on {@code port} (0 = any free port). */
    public static TestCamera start(int port) {
        return start(port, null);
    }

    /**
     * Starts a camera serving every mount over RTSP on TLS ({@link #url} gives {@code rtsps://}) with the
     * certificate and private key in {@code pem} (see {@link #selfSignedPem(Path)}).
     */
    public static TestCamera startTls(Path pem) {
        return start(0, pem);
    }

    /**
     * Writes a self-signed certificate for 127.0.0.1 and its key into {@code dir}/camera.pem (one file), made by
     * {@code openssl req -x509}; returns the file.
     */
    public static Path selfSignedPem(Path dir) {
        SelfSignedCertificate c = SelfSignedCertificate.write(dir, "camera");
        Path pem = dir.resolve("camera.pem");
        try {
            Files.write(pem, Files.readAllBytes(c.cert()));
            Files.write(pem, Files.readAllBytes(c.key()), java.nio.file.StandardOpenOption.APPEND);
            return pem;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + pem, e);
        }
    }

    private static TestCamera start(int port, Path tlsPem) {
        if (!Files.isExecutable(PYTHON)) {
            throw new IllegalStateException(
                    "TestCamera needs " + PYTHON + " with PyGObject and GStreamer: " + INSTALL_HINT);
        }
        TestCamera cam = new TestCamera(RepoRoot.find(), tlsPem);
        synchronized (cam) {
            cam.launch(port, Duration.ZERO);
        }
        return cam;
    }

    /** The TCP port (the same across {@link #restart()}). */
    public int port() {
        return port;
    }

    /** {@code 127.0.0.1}. */
    public String host() {
        return HOST;
    }

    /**
     * {@code rtsp://127.0.0.1:<port>/<mount>} ({@code rtsps://} when started with TLS); the mount may be given with
     * or without a leading slash.
     */
    public String url(String mount) {
        String m = mount.startsWith("/") ? mount : "/" + mount;
        return (tlsPem == null ? "rtsp://" : "rtsps://") + HOST + ":" + port + m;
    }

    /** Mounts the camera serves here, e.g. {@code [/h264, /h265, /h264aac]} (depends on installed encoders). */
    public Set<String> mounts() {
        return mounts;
    }

    /** Whether the camera serves this mount. */
    public boolean hasMount(String mount) {
        return mounts.contains(mount.startsWith("/") ? mount : "/" + mount);
    }

    /** Whether the camera process is running. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Stops the camera (SIGTERM, then SIGKILL after 5 s); clients see their connections close. The port
     * is kept for {@link #restart()}. No-op if already stopped.
     */
    public synchronized void stop() {
        Process p = process;
        Thread r = reader;
        process = null;
        reader = null;
        if (p == null) {
            return;
        }
        log.info("stopping test camera on port {}", port);
        p.destroy();
        try {
            if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("test camera did not stop within {}; killing it", STOP_TIMEOUT);
                p.destroyForcibly();
                p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (r != null) {
                r.join(STOP_TIMEOUT.toMillis());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /**
     * Stops the camera if running and starts it again on the same port; waits until it listens
     * (retrying for up to 15 s while the port is still busy).
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("test camera is closed");
        }
        stop();
        launch(port, REBIND_TIMEOUT);
    }

    /** The camera's last output lines (stdout and stderr), for failure messages. */
    public String recentOutput() {
        synchronized (recent) {
            return String.join("\n", recent);
        }
    }

    /** Stops the camera for good. */
    @Override
    public synchronized void close() {
        closed = true;
        stop();
    }

    @Override
    public String toString() {
        return "TestCamera[" + HOST + ":" + port + ", mounts=" + mounts + (isRunning() ? "" : ", stopped") + "]";
    }

    // ------------------------------------------------------------------------------------------

    /** Starts the process and waits for READY; retries on "address in use" until rebindTimeout. */
    private void launch(int requestedPort, Duration rebindTimeout) {
        long deadline = System.nanoTime() + rebindTimeout.toNanos();
        while (true) {
            try {
                launchOnce(requestedPort);
                return;
            } catch (PortBusyException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "test camera cannot listen on " + HOST + ":" + requestedPort + " (address in use)");
                }
                log.info("port {} still busy; retrying", requestedPort);
                sleep(250);
            }
        }
    }

    private void launchOnce(int requestedPort) {
        List<String> command = new ArrayList<>(List.of(
                PYTHON.toString(),
                "-u",
                script.toString(),
                "--host",
                HOST,
                "--port",
                Integer.toString(requestedPort),
                "--exit-on-stdin-eof"));
        if (tlsPem != null) {
            command.addAll(List.of("--tls", tlsPem.toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(root.toFile())
                .redirectErrorStream(true); // one pipe keeps MOUNT lines (stderr) before READY (stdout)
        Map<String, String> env = pb.environment();
        env.remove("PYTHONHOME");
        env.remove("PYTHONPATH");
        env.put("PYTHONUNBUFFERED", "1");
        env.put("GST_DEBUG_NO_COLOR", "1");

        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + PYTHON + " " + script + ": " + INSTALL_HINT, e);
        }
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        Set<String> found = Collections.synchronizedSet(new LinkedHashSet<>());
        StringBuffer startOutput = new StringBuffer(); // this launch's output until READY
        Thread r = Thread.ofPlatform()
                .daemon()
                .name("test-camera-output-" + p.pid())
                .start(() -> drain(p, ready, found, startOutput));
        int boundPort;
        try {
            boundPort = ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            kill(p, r);
            throw new IllegalStateException("test camera did not print READY within " + START_TIMEOUT
                    + "\n--- camera output ---\n" + startOutput);
        } catch (ExecutionException e) {
            kill(p, r);
            String out = startOutput.toString();
            if (out.contains("Address already in use")) {
                throw new PortBusyException();
            }
            String hint = out.contains("GStreamer RTSP server for Python not available")
                            || out.contains("No module named")
                            || out.contains("no mount can be served")
                    ? "\nGStreamer/PyGObject missing: " + INSTALL_HINT
                    : "";
            throw new IllegalStateException("test camera failed to start: "
                    + e.getCause().getMessage() + hint + "\n--- camera output ---\n" + out);
        } catch (InterruptedException e) {
            kill(p, r);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the test camera", e);
        }
        process = p;
        reader = r;
        port = boundPort;
        mounts = Set.copyOf(new LinkedHashSet<>(found));
        log.info("test camera ready: rtsp://{}:{} mounts {} (pid {})", HOST, boundPort, found, p.pid());
        p.onExit()
                .thenRun(() ->
                        Thread.ofPlatform().daemon().name("test-camera-revive").start(() -> revive(p)));
    }

    /**
     * Starts the camera again on its port when its process died without {@link #stop()} (GStreamer's RTSP server
     * has crashed under many simultaneous connects): like a camera that reboots, which kvr reconnects to, instead
     * of a whole test lost to its fixture.
     */
    private synchronized void revive(Process died) {
        if (closed || process != died) {
            return; // stopped on purpose, or already replaced
        }
        List<String> output = recentOutput().lines().toList();
        log.warn(
                "test camera on port {} exited by itself (exit code {}); starting it again. Last output:\n{}",
                port,
                died.exitValue(),
                String.join("\n", output.subList(Math.max(0, output.size() - 20), output.size())));
        process = null;
        reader = null;
        try {
            launch(port, REBIND_TIMEOUT);
        } catch (RuntimeException e) {
            log.warn("test camera on port {} could not be started again: {}", port, e.getMessage());
        }
    }

    private void drain(Process p, CompletableFuture<Integer> ready, Set<String> found, StringBuffer startOutput) {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                remember(line);
                log.debug("[camera] {}", line);
                if (!ready.isDone()) {
                    startOutput.append(line).append('\n');
                }
                if (line.startsWith("MOUNT ")) {
                    String[] f = line.split(" ");
                    if (f.length > 1) {
                        found.add(f[1]);
                    }
                } else if (line.startsWith("READY ") && !ready.isDone()) {
                    try {
                        ready.complete(Integer.parseInt(line.substring(6).trim()));
                    } catch (NumberFormatException e) {
                        ready.completeExceptionally(new IllegalStateException("bad READY line: " + line));
                    }
                }
            }
        } catch (IOException e) {
            // stream closed on kill
        }
        int code;
        try {
            code = p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = -1;
        }
        if (!ready.isDone()) {
            ready.completeExceptionally(
                    new IllegalStateException("camera process exited with code " + code + " before READY"));
        } else if (code != 0 && code != 143 && code != 137) {
            log.warn("test camera (pid {}) exited with code {}", p.pid(), code);
        }
    }

    private void remember(String line) {
        synchronized (recent) {
            if (recent.size() == RECENT_LINES) {
                recent.removeFirst();
            }
            recent.addLast(line);
        }
    }

    private static void kill(Process p, Thread r) {
        p.destroyForcibly();
        try {
            p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            r.join(STOP_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static final class PortBusyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortBusyException() {
            super("address in use", null, false, false);
        }
    }
}
