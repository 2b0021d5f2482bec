package io.kvr.launcher;

import io.kvr.launcher.demo.DemoCamera;
import io.kvr.runtime.config.ConfigException;
import io.kvr.runtime.config.Secrets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code kvr}: the entry point of every command; {@code kvr run} and {@code kvr demo} run everything in one process. */
public final class Kvr {
    private static final Logger log = LoggerFactory.getLogger(Kvr.class);
    static final String DEMO_STREAM = "demo/clock";

    private Kvr() {}

    public static void main(String[] args) {
        System.exit(KvrCommand.execute(CommandContext.system(), args));
    }

    /** {@code kvr run} and {@code kvr demo}: starts everything, prints where it serves, and runs until Ctrl-C. */
    static int serve(KvrOptions options, CommandContext context) throws InterruptedException {
        Map<String, String> cameras = new LinkedHashMap<>(options.cameras());
        // FFmpeg logs to stderr on its own, may quote camera URLs, and reports every undecodable frame met
        // while probing a stream that was joined mid-GOP: kvr reports failures itself
        org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_FATAL);
        DemoCamera demo = null;
        KvrServer server;
        try {
            if (options.command().equals("demo")) {
                demo = DemoCamera.start(0, DEMO_STREAM);
                cameras.putIfAbsent(DEMO_STREAM, demo.url());
            } else if (cameras.isEmpty()) {
                log.info("no --camera given: recording the cameras stored before (GET /v1/cameras); add cameras with "
                        + "--camera APP/STREAM=URL or POST /v1/cameras");
            }
            server = KvrServer.start(options, cameras);
        } catch (ConfigException e) {
            close(demo);
            context.err().println("kvr: " + Secrets.redactUrl(e.getMessage()));
            return KvrCommand.USAGE_ERROR;
        } catch (RuntimeException e) {
            close(demo);
            log.error("kvr failed to start: {}", Secrets.redactUrl(e.getMessage()), e);
            return 1;
        }
        if (demo != null) {
            server.lifecycle().own("demo camera", demo);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "kvr-shutdown"));
        context.out()
                .println(StartBanner.of(server, cameras.keySet(), options.dataDir(), demo != null)
                        .text());
        context.out().flush();
        server.lifecycle().awaitShutdown();
        return 0;
    }

    private static void close(DemoCamera demo) {
        if (demo != null) {
            demo.close();
        }
    }
}
