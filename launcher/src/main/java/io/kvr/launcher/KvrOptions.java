package io.kvr.launcher;

import io.kvr.runtime.config.Secrets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ParameterException;

/**
 * Command line of {@code kvr run} and {@code kvr demo}:
 * {@code [--data DIR] [--http HOST:PORT] [--tls-cert PEM --tls-key PEM] [--kafka-port N] [--s3-port N] [--config FILE]
 * [--camera APP/STREAM=URL ...]
 * [key=value ...]}.
 */
public record KvrOptions(
        String command,
        Path dataDir,
        String httpHost,
        int httpPort,
        int kafkaPort,
        int s3Port,
        Path configFile,
        Map<String, String> cameras,
        Map<String, String> settings) {
    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final int DEFAULT_KAFKA_PORT = 19092;
    public static final int DEFAULT_S3_PORT = 19000;

    /**
     * {@code run|demo [options] [key=value ...]}, as {@code kvr} parses it.
     *
     * @throws UsageException naming what it cannot understand
     */
    public static KvrOptions parse(String[] args) {
        if (args.length == 0) {
            throw new UsageException("missing command");
        }
        String command = args[0];
        if (!List.of("run", "demo").contains(command)) {
            throw new UsageException("unknown command '" + Secrets.redactUrl(command) + "'");
        }
        try {
            ServeOptions options = switch (KvrCommand.parse(Object.class, args)) {
                case RunCommand run -> run.options;
                case DemoCommand demo -> demo.options;
                default -> throw new UsageException("unknown command '" + command + "'");
            };
            return options.toOptions(command);
        } catch (ParameterException e) {
            throw new UsageException(KvrCommand.reason(e));
        }
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
