package io.kvr.runtime.kafka;

import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.TopicNames;
import java.util.Map;
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
    public <K, V> KafkaProducer<K, V> producer(Topic<K, V> topic, Map<String, Object> defaults,
                                               Map<String, Object> fixed) {
        return new KafkaProducer<>(config(defaults, fixed), topic.keys().serializer(), topic.values().serializer());
    }

    /** A producer of any topic of string keys and byte values (the encoding is the writer's). */
    public KafkaProducer<String, byte[]> producer(Map<String, Object> defaults, Map<String, Object> fixed) {
        return new KafkaProducer<>(config(defaults, fixed), Codec.utf8().serializer(), Codec.bytes().serializer());
    }

    /**
     * A consumer of string keys and byte values; the reader decodes values itself, so that a bad one is skipped
     * rather than stopping its poll.
     */
    public KafkaConsumer<String, byte[]> consumer(Map<String, Object> defaults, Map<String, Object> fixed) {
        return new KafkaConsumer<>(config(defaults, fixed), Codec.utf8().deserializer(), Codec.bytes().deserializer());
    }

    /**
     * A consumer of raw records that is no group member and commits nothing: for readers that assign partitions
     * themselves (whatever {@code kafka.group.id} says for the other clients).
     */
    public KafkaConsumer<byte[], byte[]> assigningConsumer(String clientId, Map<String, Object> defaults) {
        Map<String, Object> config = config(defaults, Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, clientId));
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        return new KafkaConsumer<>(config, Codec.bytes().deserializer(), Codec.bytes().deserializer());
    }
}
