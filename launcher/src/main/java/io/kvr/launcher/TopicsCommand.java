package io.kvr.launcher;

import io.kvr.indexer.store.IndexTopology;
import io.kvr.runtime.config.ConfigException;
import io.kvr.runtime.config.GroupIds;
import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.config.TopicNames;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.runtime.kafka.Topic;
import io.kvr.runtime.kafka.TopicProvisioner;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code kvr topics --print|--create [--config FILE] [key=value ...]}: the topics kvr needs (its own and the
 * indexer's Kafka Streams changelogs) for the given {@code topics.*} settings. {@code --print} writes the
 * {@code kafka-topics.sh} commands an operator runs where apps may not create topics ({@code topics.create=false});
 * {@code --create} creates the missing ones itself through {@code kafka.*}.
 */
final class TopicsCommand {
    private TopicsCommand() {
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        String mode = null;
        Path config = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--print") || a.equals("--create")) {
                mode = a;
            } else if (a.equals("--config") && i + 1 < args.length) {
                config = Path.of(args[++i]);
            } else if (a.startsWith("--config=")) {
                config = Path.of(a.substring("--config=".length()));
            } else if (!a.startsWith("-") && a.indexOf('=') > 0) {
                overrides.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            } else {
                mode = null;
                break;
            }
        }
        if (mode == null) {
            err.println("kvr: usage: kvr topics --print|--create [--config FILE] [key=value ...]");
            return 2;
        }
        Map<String, String> environment = new LinkedHashMap<>(env);
        String envConfig = environment.remove("KVR_CONFIG");
        if (config == null && envConfig != null && !envConfig.isBlank()) {
            config = Path.of(envConfig);
        }
        try {
            Settings settings = Settings.load(Map.of(), config, environment, overrides);
            List<Topic<?, ?>> topics = topics(settings);
            if (mode.equals("--print")) {
                settings.validate();
                out.print(print(topics, settings.string("kafka.bootstrap.servers", "BROKER:9092"),
                        !settings.withPrefix("kafka.security.").isEmpty() || !settings.withPrefix("kafka.sasl.").isEmpty()));
                return 0;
            }
            KafkaSettings kafka = KafkaSettings.from(settings);
            settings.validate();
            new TopicProvisioner(kafka.clientConfig(Map.of()), true).ensure(topics);
            out.println("kvr: topics present: " + String.join(", ", topics.stream().map(Topic::name).toList()));
            return 0;
        } catch (ConfigException e) {
            err.println("kvr: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println("kvr: " + e.getMessage());
            return 1;
        }
    }

    /** kvr's topics and the indexer's changelogs, as the apps would create them with these settings. */
    static List<Topic<?, ?>> topics(Settings settings) {
        TopicNames names = TopicNames.from(settings);
        String applicationId = settings.string("indexer.application.id", GroupIds.from(settings).of("indexer"));
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
            b.append("# client.properties holds your kafka.security.protocol / sasl.* / ssl.* settings (without the kafka. prefix)\n");
        }
        for (Topic<?, ?> t : topics) {
            b.append("kafka-topics.sh --bootstrap-server ").append(bootstrap);
            if (secured) {
                b.append(" --command-config client.properties");
            }
            b.append(" --create --if-not-exists --topic ").append(t.name())
                    .append(" --partitions ").append(t.partitions());
            if (t.replicationFactor() > 0) {
                b.append(" --replication-factor ").append(t.replicationFactor());
            }
            new TreeMap<>(t.configs()).forEach((k, v) -> b.append(" --config ").append(k).append('=').append(v));
            b.append('\n');
        }
        return b.toString();
    }
}
