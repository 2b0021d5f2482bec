package io.kvr.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.embedded.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader that assigns every partition of a control topic must not start with none when the topic is not yet in
 * the broker's metadata (a fresh cluster's first start: the exporter's status reader died of that): the consumer's
 * own {@code partitionsFor} answers an empty list at once, {@link TopicPartitions#await} waits for the partitions.
 */
class TopicPartitionsIT {

    @Test
    void waitsForATopicThatAppearsAMomentLater(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Config(
                        dir.resolve("kafka"),
                        EmbeddedKafka.Config.DEFAULT_HOST,
                        0,
                        Map.of("auto.create.topics.enable", "false")));
                Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            assertThat(consumer.partitionsFor("late.status.v1", Duration.ofSeconds(10)))
                    .isEmpty();

            CompletableFuture<Void> created = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(700);
                    admin.createTopics(List.of(new NewTopic("late.status.v1", 3, (short) 1)))
                            .all()
                            .get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            List<TopicPartition> partitions = TopicPartitions.await(consumer, "late.status.v1", Duration.ofSeconds(30));
            created.join();
            assertThat(partitions).extracting(TopicPartition::partition).containsExactlyInAnyOrder(0, 1, 2);

            assertThatThrownBy(() -> TopicPartitions.await(consumer, "never.created.v1", Duration.ofMillis(500)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("never.created.v1 has no partitions");
        }
    }
}
