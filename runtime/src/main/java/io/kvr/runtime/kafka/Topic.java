package io.kvr.runtime.kafka;

import java.util.Map;

/**
 * One topic: its name, how its keys and values are written, and the partitions and topic-level configs kvr creates
 * it with when it is missing.
 */
public record Topic<K, V>(
        String name,
        int partitions,
        short replicationFactor,
        Map<String, String> configs,
        Codec<K> keys,
        Codec<V> values) {
    public Topic {
        configs = Map.copyOf(configs);
    }

    /** A topic kvr only creates and never reads or writes itself (Kafka Streams changelogs). */
    public static Topic<byte[], byte[]> untyped(
            String name, int partitions, short replicationFactor, Map<String, String> configs) {
        return new Topic<>(name, partitions, replicationFactor, configs, Codec.bytes(), Codec.bytes());
    }

    /** The same topic with keys read and written by {@code keys} (a stream id as {@code StreamName}, say). */
    public <K2> Topic<K2, V> withKeys(Codec<K2> keys) {
        return new Topic<>(name, partitions, replicationFactor, configs, keys, values);
    }

    /** The same topic with values read and written by {@code values} (an Avro record as a domain type, say). */
    public <V2> Topic<K, V2> withValues(Codec<V2> values) {
        return new Topic<>(name, partitions, replicationFactor, configs, keys, values);
    }
}
