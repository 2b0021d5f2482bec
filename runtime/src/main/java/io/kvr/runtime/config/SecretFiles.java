package io.kvr.runtime.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * {@code KEY.file=/path} sets {@code KEY} to the content of that file (trailing line breaks removed), so a
 * Kubernetes Secret mounted as files feeds any setting without its value ever being in an environment variable
 * or a config file: {@code s3.secret.key.file}, {@code kafka.sasl.jaas.config.file}, … The file wins over a
 * plain {@code KEY} value. Kafka's own settings that end in {@code .file} (e.g.
 * {@code sasl.oauthbearer.assertion.file}) and kvr's settings that name a file their owner reads itself
 * ({@code access.api.keys.file}) are passed through as they are.
 */
final class SecretFiles {
    static final String SUFFIX = ".file";
    private static final Set<String> KAFKA_CONFIGS = kafkaConfigs();
    /** Files read line by line by their owner, which names the file and line of a bad entry. */
    private static final Set<String> READ_BY_OWNER = Set.of("access.api.keys.file");

    private SecretFiles() {}

    static void resolve(Map<String, String> values, List<String> problems) {
        for (String key : List.copyOf(values.keySet())) {
            if (!key.endsWith(SUFFIX)
                    || key.length() == SUFFIX.length()
                    || isKafkaOwn(key)
                    || READ_BY_OWNER.contains(key)) {
                continue;
            }
            String target = key.substring(0, key.length() - SUFFIX.length());
            String path = values.remove(key);
            if (path == null || path.isBlank()) {
                continue;
            }
            try {
                values.put(
                        target,
                        Files.readString(Path.of(path.trim()), StandardCharsets.UTF_8)
                                .stripTrailing());
            } catch (IOException | RuntimeException e) {
                // the path may be logged, never the content
                problems.add(key + ": cannot read " + path.trim() + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
    }

    private static boolean isKafkaOwn(String key) {
        return key.startsWith("kafka.") && KAFKA_CONFIGS.contains(key.substring("kafka.".length()));
    }

    private static Set<String> kafkaConfigs() {
        Set<String> names = new TreeSet<>(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return Set.copyOf(names);
    }
}
