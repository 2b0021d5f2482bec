package io.kvr.runtime.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Kafka client settings passed through untouched from {@code kafka.*} keys (so SASL/SSL clusters just work),
 * plus the topic names kvr uses.
 */
public record KafkaSettings(Map<String, String> clientProperties, TopicNames topics, boolean createTopics) {
    public KafkaSettings {
        clientProperties = Map.copyOf(clientProperties);
    }

    /** Creates missing topics ({@code topics.create=true}, the default). */
    public KafkaSettings(Map<String, String> clientProperties, TopicNames topics) {
        this(clientProperties, topics, true);
    }

    public static KafkaSettings from(Settings s) {
        Map<String, String> client = s.withPrefix("kafka.");
        if (!client.containsKey("bootstrap.servers")) {
            s.problem("kafka.bootstrap.servers: required (host:port of the Kafka cluster)");
        }
        return new KafkaSettings(client, TopicNames.from(s), s.bool("topics.create", true));
    }

    public String bootstrapServers() {
        return clientProperties.getOrDefault("bootstrap.servers", "");
    }

    /** A fresh mutable copy of the pass-through settings with {@code extra} applied where the user set nothing. */
    public Map<String, Object> clientConfig(Map<String, Object> defaults) {
        Map<String, Object> out = new HashMap<>(defaults);
        out.putAll(clientProperties);
        return out;
    }

    @Override
    public String toString() {
        return "KafkaSettings[bootstrap.servers=" + bootstrapServers() + ", topics=" + topics + "]";
    }
}
