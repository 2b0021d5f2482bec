package io.kvr.launcher;

import io.kvr.indexer.store.IndexTopology;
import io.kvr.runtime.config.ConfigException;
import io.kvr.runtime.config.GroupIds;
import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.config.TopicNames;
import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.runtime.kafka.Topic;
import io.kvr.runtime.kafka.TopicProvisioner;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kvr topics --print|--create [--config FILE] [key=value ...]}: the topics kvr needs (its own and the
 * indexer's Kafka Streams changelogs) for the given {@code topics.*} settings. {@code --print} writes the
 * {@code kafka-topics.sh} commands an operator runs where apps may not create topics ({@code topics.create=false});
 * {@code --create} creates the missing ones itself through {@code kafka.*}.
 */
@Command(
        name = "topics",
        synopsisHeading = "usage: ",
        customSynopsis = "kvr topics --print|--create [--config FILE] [key=value ...]",
        description = {"prints the kafka-topics.sh commands for kvr's topics (--print) or creates them (--create)"},
        descriptionHeading = "%n",
        parameterListHeading = "%nsettings:%n",
        optionListHeading = "%noptions:%n")
final class TopicsCommand implements Callable<Integer> {
    private final CommandContext context;

    @Option(names = "--print", description = "print the kafka-topics.sh commands that create them")
    boolean print;

    @Option(names = "--create", description = "create the missing ones through kafka.*")
    boolean create;

    @Option(names = "--config", paramLabel = "FILE", description = "properties file with app settings (README)")
    Path config;

    @Parameters(
            paramLabel = "key=value",
            converter = ArgumentTypes.Setting.class,
            description = "any setting, e.g. topics.prefix=site1.kvr. topics.partitions=12")
    List<Map.Entry<String, String>> settings = List.of();

    @Spec
    CommandSpec spec;

    TopicsCommand(CommandContext context) {
        this.context = context;
    }

    /** {@code kvr topics ...} with this environment and output; the exit status. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        return KvrCommand.execute(new CommandContext(env, Clock.systemUTC(), out, err), args);
    }

    @Override
    public Integer call() {
        if (print == create) {
            throw new ParameterException(spec.commandLine(), "takes one of --print or --create");
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        settings.forEach(s -> overrides.put(s.getKey(), s.getValue()));
        Map<String, String> environment = new LinkedHashMap<>(context.env());
        String envConfig = environment.remove("KVR_CONFIG");
        Path file = config;
        if (file == null && envConfig != null && !envConfig.isBlank()) {
            file = Path.of(envConfig);
        }
        PrintStream out = context.out();
        try {
            Settings all = Settings.load(Map.of(), file, environment, overrides);
            List<Topic<?, ?>> topics = topics(all);
            if (print) {
                all.validate();
                out.print(print(
                        topics,
                        all.string("kafka.bootstrap.servers", "BROKER:9092"),
                        !all.withPrefix("kafka.security.").isEmpty()
                                || !all.withPrefix("kafka.sasl.").isEmpty()));
                return 0;
            }
            KafkaSettings kafka = KafkaSettings.from(all);
            all.validate();
            new TopicProvisioner(new KafkaClients(kafka), true).ensure(topics);
            out.println("kvr: topics present: "
                    + String.join(", ", topics.stream().map(Topic::name).toList()));
            return 0;
        } catch (ConfigException e) {
            context.err().println("kvr: " + e.getMessage());
            return KvrCommand.USAGE_ERROR;
        } catch (RuntimeException e) {
            context.err().println("kvr: " + e.getMessage());
            return 1;
        }
    }

    /** kvr's topics and the indexer's changelogs, as the apps would create them with these settings. */
    static List<Topic<?, ?>> topics(Settings settings) {
        TopicNames names = TopicNames.from(settings);
        String applicationId = settings.string(
                "indexer.application.id", GroupIds.from(settings).of("indexer"));
        List<Topic<?, ?>> topics = new ArrayList<>(KvrTopics.all(names));
        topics.addAll(IndexTopology.internalTopics(applicationId, names));
        topics.add(KvrTopics.exportRequests(TopicNames.exportRequests(settings), names));
        topics.add(KvrTopics.exportStatus(TopicNames.exportStatus(settings), names));
        return topics;
    }

    static String print(List<Topic<?, ?>> topics, String bootstrap, boolean secured) {
        StringBuilder b = new StringBuilder();
        b.append("# kvr topics: run these where apps may not create topics (then set topics.create=false).\n");
        if (secured) {
            b.append(
                    "# client.properties holds your kafka.security.protocol / sasl.* / ssl.* settings (without the kafka. prefix)\n");
        }
        for (Topic<?, ?> t : topics) {
            b.append("kafka-topics.sh --bootstrap-server ").append(bootstrap);
            if (secured) {
                b.append(" --command-config client.properties");
            }
            b.append(" --create --if-not-exists --topic ")
                    .append(t.name())
                    .append(" --partitions ")
                    .append(t.partitions());
            if (t.replicationFactor() > 0) {
                b.append(" --replication-factor ").append(t.replicationFactor());
            }
            new TreeMap<>(t.configs())
                    .forEach((k, v) ->
                            b.append(" --config ").append(k).append('=').append(v));
            b.append('\n');
        }
        return b.toString();
    }
}
