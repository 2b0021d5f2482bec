package io.kvr.runtime.kafka;

import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.TopicNames;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Builds every Kafka client of an app from its settings. Each client's configuration is made the same way: the
 * caller's defaults, then the {@code kafka.*} pass-through settings (so SASL, SSL and tuning the user set win),
 * then what the caller must fix whatever the user set (a group id, a client id, no auto-commit).
 */
public final class KafkaClients {
    /**
     * Consumer settings of the classic group protocol that brokers assign and time out themselves in KIP-848
     * groups ({@code group.protocol=consumer}), where the consumer refuses them.
     */
    static final List<String> CLASSIC_GROUP_SETTINGS = List.of(
            ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);

    private final KafkaSettings settings;

    public KafkaClients(KafkaSettings settings) {
        this.settings = settings;
    }

    public KafkaSettings settings() {
        return settings;
    }

    public TopicNames topics() {
        return settings.topics();
    }

    /** A fresh mutable configuration: {@code defaults}, then the pass-through settings, then {@code fixed}. */
    public Map<String, Object> config(Map<String, Object> defaults, Map<String, Object> fixed) {
        Map<String, Object> config = settings.clientConfig(defaults);
        config.putAll(fixed);
        return config;
    }

    public Admin admin(Map<String, Object> defaults, Map<String, Object> fixed) {
        return Admin.create(config(defaults, fixed));
    }

    /** A producer of {@code topic}'s keys and values. */
    public <K, V> KafkaProducer<K, V> producer(
            Topic<K, V> topic, Map<String, Object> defaults, Map<String, Object> fixed) {
        return new KafkaProducer<>(
                config(defaults, fixed),
                topic.keys().serializer(),
                topic.values().serializer());
    }

    /** A producer of any topic of string keys and byte values (the encoding is the writer's). */
    public KafkaProducer<String, byte[]> producer(Map<String, Object> defaults, Map<String, Object> fixed) {
        return new KafkaProducer<>(
                config(defaults, fixed),
                Codec.utf8().serializer(),
                Codec.bytes().serializer());
    }

    /**
     * A consumer of string keys and byte values; the reader decodes values itself, so that a bad one is skipped
     * rather than stopping its poll.
     */
    public KafkaConsumer<String, byte[]> consumer(Map<String, Object> defaults, Map<String, Object> fixed) {
        return new KafkaConsumer<>(
                config(defaults, fixed),
                Codec.utf8().deserializer(),
                Codec.bytes().deserializer());
    }

    /**
     * A consumer of raw records that is no group member and commits nothing: for readers that assign partitions
     * themselves (whatever {@code kafka.group.id} says for the other clients).
     */
    public KafkaConsumer<byte[], byte[]> assigningConsumer(String clientId, Map<String, Object> defaults) {
        return assigningConsumer(defaults, Map.of(ConsumerConfig.CLIENT_ID_CONFIG, clientId));
    }

    /**
     * A consumer of raw records that is no group member and commits nothing: {@code defaults}, then the
     * pass-through settings, then {@code fixed}, without a group id (whatever {@code kafka.group.id} says for the
     * other clients).
     */
    public KafkaConsumer<byte[], byte[]> assigningConsumer(Map<String, Object> defaults, Map<String, Object> fixed) {
        Map<String, Object> config = config(defaults, fixed);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        return new KafkaConsumer<>(
                config, Codec.bytes().deserializer(), Codec.bytes().deserializer());
    }

    /**
     * The configuration of a member of consumer group {@code groupId}, whatever {@code kafka.group.id} says for the
     * other clients: {@code defaults}, then the pass-through settings, then {@code fixed} and the group id. In a
     * KIP-848 group ({@code group.protocol=consumer}) the settings of the classic protocol are left out, whoever set
     * them.
     */
    public Map<String, Object> groupConsumerConfig(
            String groupId, Map<String, Object> defaults, Map<String, Object> fixed) {
        Map<String, Object> config = config(defaults, fixed);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        if ("consumer".equalsIgnoreCase(String.valueOf(config.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG)))) {
            CLASSIC_GROUP_SETTINGS.forEach(config::remove);
        }
        return config;
    }

    /** A member of consumer group {@code groupId} (see {@link #groupConsumerConfig}) of string keys and byte values. */
    public KafkaConsumer<String, byte[]> groupConsumer(
            String groupId, Map<String, Object> defaults, Map<String, Object> fixed) {
        return new KafkaConsumer<>(
                groupConsumerConfig(groupId, defaults, fixed),
                Codec.utf8().deserializer(),
                Codec.bytes().deserializer());
    }

    /**
     * The configuration of a Kafka Streams application: {@code defaults}, then the pass-through settings (which
     * Kafka Streams hands on to its own clients), then {@code fixed}.
     */
    public Properties streamsConfig(Map<String, Object> defaults, Map<String, Object> fixed) {
        Properties properties = new Properties();
        properties.putAll(config(defaults, fixed));
        return properties;
    }
}
