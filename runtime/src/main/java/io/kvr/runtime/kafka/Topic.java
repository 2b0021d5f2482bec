package io.kvr.runtime.kafka;

import java.util.Map;

/** One topic as kvr creates it when it is missing: name, partitions and topic-level configs. */
public record Topic(String name, int partitions, short replicationFactor, Map<String, String> configs) {
    public Topic {
        configs = Map.copyOf(configs);
    }
}
