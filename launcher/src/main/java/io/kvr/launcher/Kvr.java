package io.kvr.launcher;

import io.kvr.launcher.demo.DemoCamera;
import io.kvr.runtime.config.ConfigException;
import io.kvr.runtime.config.Secrets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code kvr run} and {@code kvr demo}: everything in one process until Ctrl-C. */
public final class Kvr {
    private static final Logger log = LoggerFactory.getLogger(Kvr.class);
    static final String DEMO_STREAM = "demo/clock";

    private Kvr() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.print(KvrOptions.usage());
            System.exit(args.length == 0 ? 2 : 0);
        }
        if (args[0].equals("tool")) {
            tool(args);
            return;
        }
        if (args[0].equals("infra")) {
            try {
                System.exit(InfraCommand.run(args, System.getenv(), System.out, System.err));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        if (args[0].equals("topics")) {
            System.exit(TopicsCommand.run(args, System.getenv(), System.out, System.err));
            return;
        }
        if (args[0].equals("token")) {
            System.exit(TokenCommand.run(args, System.getenv(), java.time.Clock.systemUTC(), System.out, System.err));
            return;
        }
        KvrOptions options;
        try {
            options = KvrOptions.parse(args);
        } catch (KvrOptions.UsageException e) {
            System.err.println("kvr: " + Secrets.redactUrl(e.getMessage()));
            System.err.print(KvrOptions.usage());
            System.exit(2);
            return;
        }
        try {
            run(options);
        } catch (ConfigException e) {
            System.err.println("kvr: " + Secrets.redactUrl(e.getMessage()));
            System.exit(2);
        } catch (RuntimeException e) {
            log.error("kvr failed to start: {}", Secrets.redactUrl(e.getMessage()), e);
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code kvr tool ffmpeg|ffprobe}: prints the path of the FFmpeg program shipped inside kvr (for scripts). */
    private static void tool(String[] args) {
        String name = args.length > 1 ? args[1] : "";
        Class<?> program = switch (name) {
            case "ffmpeg" -> org.bytedeco.ffmpeg.ffmpeg.class;
            case "ffprobe" -> org.bytedeco.ffmpeg.ffprobe.class;
            default -> null;
        };
        if (program == null) {
            System.err.println("kvr: usage: kvr tool ffmpeg|ffprobe");
            System.exit(2);
            return;
        }
        System.out.println(org.bytedeco.javacpp.Loader.load(program));
    }

    private static void run(KvrOptions options) throws InterruptedException {
        Map<String, String> cameras = new LinkedHashMap<>(options.cameras());
        // FFmpeg logs to stderr on its own, may quote camera URLs, and reports every undecodable frame met
        // while probing a stream that was joined mid-GOP: kvr reports failures itself
        org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_FATAL);
        DemoCamera demo = null;
        if (options.command().equals("demo")) {
            demo = DemoCamera.start(0, DEMO_STREAM);
            cameras.putIfAbsent(DEMO_STREAM, demo.url());
        } else if (cameras.isEmpty()) {
            log.info("no --camera given: recording the cameras stored before (GET /v1/cameras); add cameras with "
                    + "--camera APP/STREAM=URL or POST /v1/cameras");
        }
        KvrServer server = KvrServer.start(options, cameras);
        if (demo != null) {
            server.lifecycle().own("demo camera", demo);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "kvr-shutdown"));
        String base = server.baseUrl();
        StringBuilder b = new StringBuilder();
        b.append("\nkvr is running (Ctrl-C stops it)\n");
        b.append("  viewer:   ").append(base).append("/\n");
        for (String id : cameras.keySet()) {
            b.append("  live HLS: ").append(base).append('/').append(id).append("/index.m3u8\n");
        }
        b.append("  streams:  ").append(base).append("/v1/streams\n");
        b.append("  cameras:  ").append(base).append("/v1/cameras  (GET, POST, DELETE)\n");
        b.append("  metrics:  ").append(base).append("/metrics\n");
        b.append("  kafka:    ").append(server.kafkaBootstrap()).append("  (topics kvr.media.v1, kvr.segments.v1, kvr.sources.v1)\n");
        b.append("  s3:       ").append(server.s3Endpoint()).append("  (bucket kvr)\n");
        b.append("  data:     ").append(options.dataDir().toAbsolutePath()).append('\n');
        if (demo != null) {
            b.append("\nThe demo camera shows the wall clock; the first segments appear after a few seconds.\n");
            b.append("Open ").append(base).append("/?stream=").append(DEMO_STREAM).append('\n');
        }
        System.out.println(b);
        System.out.flush();
        server.lifecycle().awaitShutdown();
    }
}
