package io.kvr.launcher;

import io.kvr.runtime.config.Secrets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command line of {@code kvr run} and {@code kvr demo}:
 * {@code [--data DIR] [--http HOST:PORT] [--tls-cert PEM --tls-key PEM] [--kafka-port N] [--s3-port N] [--config FILE]
 * [--camera APP/STREAM=URL ...]
 * [key=value ...]}.
 */
public record KvrOptions(String command, Path dataDir, String httpHost, int httpPort, int kafkaPort, int s3Port,
                         Path configFile, Map<String, String> cameras, Map<String, String> settings) {
    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final int DEFAULT_KAFKA_PORT = 19092;
    public static final int DEFAULT_S3_PORT = 19000;

    public static KvrOptions parse(String[] args) {
        if (args.length == 0) {
            throw new UsageException("missing command");
        }
        String command = args[0];
        if (!List.of("run", "demo").contains(command)) {
            throw new UsageException("unknown command '" + command + "'");
        }
        Path data = Path.of("data");
        String httpHost = "127.0.0.1";
        int httpPort = DEFAULT_HTTP_PORT;
        int kafkaPort = DEFAULT_KAFKA_PORT;
        int s3Port = DEFAULT_S3_PORT;
        Path config = null;
        Map<String, String> cameras = new LinkedHashMap<>();
        Map<String, String> settings = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            String value = null;
            String flag = a;
            if (a.startsWith("--") && a.contains("=")) {
                flag = a.substring(0, a.indexOf('='));
                value = a.substring(a.indexOf('=') + 1);
            }
            switch (flag) {
                case "--data", "--http", "--camera", "--config", "--kafka-port", "--s3-port", "--tls-cert", "--tls-key" -> {
                    if (value == null) {
                        if (i + 1 >= rest.size()) {
                            throw new UsageException(flag + " needs a value");
                        }
                        value = rest.get(++i);
                    }
                }
                default -> { }
            }
            switch (flag) {
                case "--data" -> data = Path.of(value);
                case "--http" -> {
                    int colon = value.lastIndexOf(':');
                    if (colon < 0) {
                        throw new UsageException("--http takes HOST:PORT, e.g. 127.0.0.1:8080");
                    }
                    httpHost = value.substring(0, colon).isEmpty() ? "0.0.0.0" : value.substring(0, colon);
                    httpPort = port("--http", value.substring(colon + 1));
                }
                case "--kafka-port" -> kafkaPort = port(flag, value);
                case "--s3-port" -> s3Port = port(flag, value);
                case "--config" -> config = Path.of(value);
                // HTTPS for the edge: PEM files, read again when they change
                case "--tls-cert" -> settings.put("http.tls.cert", value);
                case "--tls-key" -> settings.put("http.tls.key", value);
                case "--camera" -> {
                    int eq = value.indexOf('=');
                    if (eq <= 0 || eq == value.length() - 1) {
                        throw new UsageException("--camera takes APP/STREAM=URL, e.g. live/door=rtsp://cam/stream");
                    }
                    cameras.put(value.substring(0, eq), value.substring(eq + 1));
                }
                default -> {
                    if (!a.startsWith("-") && a.contains("=")) {
                        settings.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
                    } else {
                        throw new UsageException("unknown option '" + Secrets.redactUrl(a) + "'");
                    }
                }
            }
        }
        return new KvrOptions(command, data, httpHost, httpPort, kafkaPort, s3Port, config, cameras, settings);
    }

    private static int port(String flag, String value) {
        try {
            int p = Integer.parseInt(value);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new UsageException(flag + ": '" + value + "' is not a port number");
        }
    }

    static String usage() {
        return """
                usage: kvr run  [--data DIR] [--http HOST:PORT] [--tls-cert F --tls-key F] [--camera APP/STREAM=URL ...] [options]
                       kvr demo [--data DIR] [--http HOST:PORT] [options]
                       kvr infra [--data DIR] [--kafka-port N] [--s3-port N]
                       kvr tool ffmpeg|ffprobe
                       kvr token --stream APP/STREAM|APP/*|* [--role viewer|operator|admin] [--ttl 1h]
                                 [--start MS --end MS] [--config FILE]
                       kvr topics --print|--create [--config FILE] [key=value ...]

                  run    records the given cameras (rtsp, rtsps, rtmp, rtmps, srt, udp URLs) and serves HLS
                  demo   records a built-in test camera with a burned-in wall clock
                  infra  only the embedded Kafka broker and S3 server (ports default to any free one), for apps
                         run as separate processes (dev/cluster); prints one line "kvr-infra key=value ..."
                  tool ffmpeg|ffprobe   prints the path of the FFmpeg program shipped inside kvr
                  token  prints a signed token (?token= or Authorization: Bearer; a viewer's unless --role says
                         otherwise) made with access.token.secret (README, Access)
                  topics prints the kafka-topics.sh commands for kvr's topics (--print) or creates them (--create)

                options:
                  --data DIR          where Kafka, object storage and the index keep their data (default ./data)
                  --http HOST:PORT    viewer, HLS and API address (default 127.0.0.1:8080)
                  --tls-cert FILE --tls-key FILE   serve HTTPS with this PEM certificate chain and key
                                      (reloaded when they change)
                  --camera APP/STREAM=URL   a camera to record; repeatable
                  --kafka-port N      embedded Kafka port on 127.0.0.1 (default 19092; 0 = any free)
                  --s3-port N         embedded S3 port on 127.0.0.1 (default 19000; 0 = any free)
                  --config FILE       properties file with app settings (see README)
                  key=value           any app setting, e.g. segmenter.target.duration=4s
                """;
    }

    /** A command line that cannot be understood. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }

    /** URLs redacted, secret settings hidden. */
    @Override
    public String toString() {
        return Secrets.redactedToString(this);
    }
}
