package io.kvr.launcher;

import io.kvr.embedded.kafka.EmbeddedKafka;
import io.kvr.embedded.s3.EmbeddedS3;
import io.kvr.runtime.lifecycle.Lifecycle;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code kvr infra [--data DIR] [--kafka-port N] [--s3-port N]}: only the infrastructure — the embedded KRaft broker
 * and the embedded S3 server — for apps that run as their own processes ({@code ./dev/cluster}). Prints one line
 * {@code kvr-infra kafka.bootstrap.servers=HOST:PORT s3.endpoint=URL s3.access.key=KEY} (the settings the apps
 * take, as {@code key=value}) once both serve, then runs until killed. Ports default to 0: any free port. The S3
 * secret is {@code KVR_S3_SECRET_KEY} (default {@code kvr-embedded-secret}, as in {@code kvr run}); never printed.
 */
final class InfraCommand {
    static final String USAGE = "usage: kvr infra [--data DIR] [--kafka-port N] [--s3-port N]   "
            + "(S3 secret from KVR_S3_SECRET_KEY)\n";
    /** First word of the machine-readable line, so scripts find it among the log lines. */
    static final String READY_PREFIX = "kvr-infra ";
    static final String ACCESS_KEY = "kvr";
    static final String DEFAULT_SECRET = "kvr-embedded-secret";

    /** What {@code kvr infra} was asked for. */
    record Options(Path dataDir, int kafkaPort, int s3Port) {
        static Options parse(String[] args) {
            Path data = Path.of("data");
            int kafkaPort = 0;
            int s3Port = 0;
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--data" -> data = Path.of(value(args, ++i, a));
                    case "--kafka-port" -> kafkaPort = port(value(args, ++i, a), a);
                    case "--s3-port" -> s3Port = port(value(args, ++i, a), a);
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            }
            return new Options(data, kafkaPort, s3Port);
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }

        private static int port(String value, String flag) {
            try {
                int p = Integer.parseInt(value);
                if (p >= 0 && p <= 65_535) {
                    return p;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(flag + ": '" + value + "' is not a port number (0 = any free port)");
        }
    }

    private InfraCommand() {
    }

    /** Starts broker and S3 server, prints the ready line, and returns them, owned by one lifecycle. */
    static Lifecycle start(Options options, Map<String, String> env, PrintStream out) {
        Lifecycle life = new Lifecycle("kvr-infra");
        try {
            Path data = options.dataDir().toAbsolutePath();
            EmbeddedKafka kafka = life.own("kafka", EmbeddedKafka.start(
                    EmbeddedKafka.Config.of(data.resolve("kafka")).withPort(options.kafkaPort())));
            String secret = env.getOrDefault("KVR_S3_SECRET_KEY", "");
            EmbeddedS3 s3 = life.own("s3", EmbeddedS3.start(EmbeddedS3.Config.of(data.resolve("s3"), ACCESS_KEY,
                    secret.isBlank() ? DEFAULT_SECRET : secret).withPort(options.s3Port())));
            out.println(readyLine(kafka.bootstrapServers(), s3.endpoint(), s3.accessKey()));
            out.flush();
            return life;
        } catch (RuntimeException e) {
            life.close();
            throw e;
        }
    }

    static String readyLine(String bootstrap, String s3Endpoint, String accessKey) {
        return READY_PREFIX + "kafka.bootstrap.servers=" + bootstrap + " s3.endpoint=" + s3Endpoint
                + " s3.access.key=" + accessKey;
    }

    /** {@code kvr infra ...}: the exit status (only when it could not start; otherwise it runs until killed). */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) throws InterruptedException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("kvr infra: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        Lifecycle life;
        try {
            life = start(options, env, out);
        } catch (RuntimeException e) {
            err.println("kvr infra: cannot start: " + e.getMessage());
            return 1;
        }
        life.closeOnShutdown();
        life.awaitShutdown();
        return 0;
    }
}
