package io.kvr.runtime.kafka;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions of a topic, for readers that assign them all. A topic created a moment ago (a fresh cluster's
 * first start) can be missing from the broker's metadata for a few milliseconds, and {@code partitionsFor} then
 * answers with an empty list rather than waiting: assigning that list made the reader fail on its first poll.
 */
public final class TopicPartitions {
    private static final Duration RETRY = Duration.ofMillis(100);

    private TopicPartitions() {}

    /** Every partition of {@code topic}, asking again until it has some or {@code timeout} has passed. */
    public static List<TopicPartition> await(Consumer<?, ?> consumer, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(
                        "topic " + topic + " has no partitions after " + timeout.toSeconds() + " s");
            }
            try {
                Thread.sleep(RETRY);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the partitions of " + topic, e);
            }
        }
    }
}
