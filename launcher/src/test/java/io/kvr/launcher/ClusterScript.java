package io.kvr.launcher;

import io.kvr.testsupport.RepoRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./dev/cluster} driven from a test: the apps run as separate JVMs on this JVM's class path and JDK, in
 * the run directory {@code dir}; the script's own output is appended to {@code dir/../<dir name>-script.log}.
 */
final class ClusterScript implements AutoCloseable {
    private final Path script = RepoRoot.find().resolve("dev").resolve("cluster");
    private final Path dir;
    private final Path log;
    private final Map<String, String> env;

    /** {@code env}: extra environment for the script, e.g. {@code KVR_CLUSTER_SESSION_TIMEOUT_MS}. */
    ClusterScript(Path dir, Map<String, String> env) {
        this.dir = dir.toAbsolutePath();
        this.log = this.dir.resolveSibling(this.dir.getFileName() + "-script.log");
        this.env = Map.copyOf(env);
    }

    /** {@code dev/cluster start ARGS}: returns once every process answers {@code /health} with 200. */
    void start(List<String> args) {
        List<String> all = new ArrayList<>(List.of("start"));
        all.addAll(args);
        run(all, 8);
    }

    /** {@code dev/cluster kill APP N}: SIGKILL, returns once the process is gone. */
    void kill(String app, int n) {
        run(List.of("kill", app, Integer.toString(n)), 1);
    }

    /** {@code dev/cluster restart APP N}: starts a killed instance again (does not wait for its health). */
    void restart(String app, int n) {
        run(List.of("restart", app, Integer.toString(n)), 1);
    }

    /** {@code dev/cluster status} as text. */
    String status() {
        return run(List.of("status"), 1);
    }

    /** {@code cluster.env}: the common settings ({@code kafka.bootstrap.servers}, ...) and {@code APP-N=URL}. */
    Map<String, String> addresses() {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(dir.resolve("cluster.env"))) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    out.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The base URL of instance {@code APP-N}, e.g. {@code http://127.0.0.1:40123}. */
    String url(String app, int n) {
        String url = addresses().get(app + "-" + n);
        if (url == null) {
            throw new IllegalArgumentException("no " + app + "-" + n + " in " + dir.resolve("cluster.env"));
        }
        return url;
    }

    Path dir() {
        return dir;
    }

    private String run(List<String> args, int minutes) {
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("KVR_"));
        pb.environment().put("KVR_CLUSTER_DIR", dir.toString());
        pb.environment().put("KVR_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        try {
            Files.createDirectories(dir.getParent());
            Path out = Files.createTempFile(dir.getParent(), "cluster-", ".out");
            try {
                Process p = pb.redirectOutput(out.toFile()).start();
                if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("dev/cluster " + args + " still running after " + minutes + " min");
                }
                String text = Files.readString(out);
                Files.writeString(
                        log,
                        "$ dev/cluster " + String.join(" ", args) + "\n" + text,
                        java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("dev/cluster " + args + " failed (exit " + p.exitValue() + "):\n"
                            + text + "\nlogs under " + dir);
                }
                return text;
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** {@code dev/cluster stop}: every process of the cluster ends. */
    @Override
    public void close() {
        run(List.of("stop"), 2);
    }
}
