package io.kvr.launcher;

import io.kvr.embedded.kafka.EmbeddedKafka;
import io.kvr.embedded.s3.EmbeddedS3;
import io.kvr.runtime.lifecycle.Lifecycle;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code kvr infra [--data DIR] [--kafka-port N] [--s3-port N]}: only the infrastructure — the embedded KRaft broker
 * and the embedded S3 server — for apps that run as their own processes ({@code ./dev/cluster}). Prints one line
 * {@code kvr-infra kafka.bootstrap.servers=HOST:PORT s3.endpoint=URL s3.access.key=KEY} (the settings the apps
 * take, as {@code key=value}) once both serve, then runs until killed. Ports default to 0: any free port. The S3
 * secret is {@code KVR_S3_SECRET_KEY} (default {@code kvr-embedded-secret}, as in {@code kvr run}); never printed.
 */
@Command(
        name = "infra",
        synopsisHeading = "usage: ",
        customSynopsis = "kvr infra [--data DIR] [--kafka-port N] [--s3-port N]",
        description = {
            "only the embedded Kafka broker and S3 server, for apps run as separate processes "
                    + "(dev/cluster); prints one line \"kvr-infra key=value ...\" once both serve. The S3 secret is "
                    + "KVR_S3_SECRET_KEY (default kvr-embedded-secret)."
        },
        descriptionHeading = "%n",
        optionListHeading = "%noptions:%n")
final class InfraCommand implements Callable<Integer> {
    /** First word of the machine-readable line, so scripts find it among the log lines. */
    static final String READY_PREFIX = "kvr-infra ";

    static final String ACCESS_KEY = "kvr";
    static final String DEFAULT_SECRET = "kvr-embedded-secret";

    private final CommandContext context;

    @Option(names = "--data", paramLabel = "DIR", description = "where Kafka and S3 keep their data (default ./data)")
    Path data = Path.of("data");

    @Option(
            names = "--kafka-port",
            paramLabel = "N",
            converter = ArgumentTypes.Port.class,
            description = "Kafka port on 127.0.0.1 (default 0: any free one)")
    int kafkaPort;

    @Option(
            names = "--s3-port",
            paramLabel = "N",
            converter = ArgumentTypes.Port.class,
            description = "S3 port on 127.0.0.1 (default 0: any free one)")
    int s3Port;

    InfraCommand(CommandContext context) {
        this.context = context;
    }

    /** What {@code kvr infra} was asked for. */
    record Options(Path dataDir, int kafkaPort, int s3Port) {
        /**
         * {@code infra [--data DIR] [--kafka-port N] [--s3-port N]}, as {@code kvr} parses it.
         *
         * @throws IllegalArgumentException naming the flag it cannot understand
         */
        static Options parse(String[] args) {
            try {
                return KvrCommand.parse(InfraCommand.class, args).options();
            } catch (ParameterException e) {
                throw new IllegalArgumentException(KvrCommand.reason(e), e);
            }
        }
    }

    Options options() {
        return new Options(data, kafkaPort, s3Port);
    }

    /** Starts broker and S3 server, prints the ready line, and returns them, owned by one lifecycle. */
    static Lifecycle start(Options options, Map<String, String> env, PrintStream out) {
        Lifecycle life = new Lifecycle("kvr-infra");
        try {
            Path data = options.dataDir().toAbsolutePath();
            EmbeddedKafka kafka = life.own(
                    "kafka",
                    EmbeddedKafka.start(
                            EmbeddedKafka.Config.of(data.resolve("kafka")).withPort(options.kafkaPort())));
            String secret = env.getOrDefault("KVR_S3_SECRET_KEY", "");
            EmbeddedS3 s3 = life.own(
                    "s3",
                    EmbeddedS3.start(EmbeddedS3.Config.of(
                                    data.resolve("s3"), ACCESS_KEY, secret.isBlank() ? DEFAULT_SECRET : secret)
                            .withPort(options.s3Port())));
            out.println(readyLine(kafka.bootstrapServers(), s3.endpoint(), s3.accessKey()));
            out.flush();
            return life;
        } catch (RuntimeException e) {
            life.close();
            throw e;
        }
    }

    static String readyLine(String bootstrap, String s3Endpoint, String accessKey) {
        return READY_PREFIX + "kafka.bootstrap.servers=" + bootstrap + " s3.endpoint=" + s3Endpoint + " s3.access.key="
                + accessKey;
    }

    /** {@code kvr infra ...}: the exit status (only when it could not start; otherwise it runs until killed). */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        return KvrCommand.execute(new CommandContext(env, Clock.systemUTC(), out, err), args);
    }

    @Override
    public Integer call() throws InterruptedException {
        Lifecycle life;
        try {
            life = start(options(), context.env(), context.out());
        } catch (RuntimeException e) {
            context.err().println("kvr infra: cannot start: " + e.getMessage());
            return 1;
        }
        life.closeOnShutdown();
        life.awaitShutdown();
        return 0;
    }
}
