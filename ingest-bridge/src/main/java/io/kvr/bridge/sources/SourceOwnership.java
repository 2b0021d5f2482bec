package io.kvr.bridge.sources;

import io.kvr.runtime.kafka.KafkaClients;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's membership in the bridges' consumer group over the sources topic. It reads nothing (its
 * partitions are paused; {@link SourceCatalog} reads the values): the group only decides which partitions, and so
 * which cameras, this instance pulls. When an instance dies, the group coordinator notices after
 * {@code session.timeout.ms} and hands its partitions to the others.
 *
 * <p>The cooperative sticky assignor moves only the partitions that must move, so a joining or leaving instance
 * does not interrupt the cameras that stay where they are.
 */
final class SourceOwnership implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SourceOwnership.class);
    private static final Duration POLL = Duration.ofMillis(250);

    /** Told of changes on the group thread; {@link #revoked} must stop the cameras before it returns. */
    interface Listener {
        /** Partitions now owned, each with the end offset at assignment: the catalog must read that far first. */
        void assigned(Map<Integer, Long> readyAt);

        /** Partitions no longer owned ({@code lost}: another instance may already pull them). */
        void revoked(Set<Integer> partitions, boolean lost);
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final String groupId;
    private final Listener listener;
    private final Thread thread;
    private volatile boolean running = true;

    SourceOwnership(KafkaClients clients, String groupId, String instanceId, Listener listener) {
        this.consumer = clients.groupConsumer(groupId, defaults(), fixed(instanceId));
        this.topic = clients.topics().sources();
        this.groupId = groupId;
        this.listener = listener;
        this.thread = Thread.ofPlatform().name("camera-ownership").daemon(true).unstarted(this::run);
    }

    /** The membership's consumer configuration: the bridges' own group, whatever {@code kafka.group.id} says. */
    static Map<String, Object> config(KafkaClients clients, String groupId, String instanceId) {
        return clients.groupConsumerConfig(groupId, defaults(), fixed(instanceId));
    }

    private static Map<String, Object> defaults() {
        // a dead bridge's cameras go unrecorded until its session times out: 10 s rather than Kafka's 45 s
        // (kafka.session.timeout.ms overrides it; KIP-848 groups leave sessions and assignment to the broker)
        return Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "latest",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                10_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                3_000,
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                CooperativeStickyAssignor.class.getName());
    }

    private static Map<String, Object> fixed(String instanceId) {
        // members are named after their instance so that GET /v1/cameras can say who pulls a camera
        return Map.of(ConsumerConfig.CLIENT_ID_CONFIG, instanceId, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    }

    SourceOwnership start() {
        thread.start();
        return this;
    }

    boolean alive() {
        return thread.isAlive();
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topic), new Rebalance());
            while (running) {
                consumer.poll(POLL);
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("camera group membership woken unexpectedly", e);
            }
        } catch (RuntimeException e) {
            if (running) {
                log.error(
                        "camera group membership stopped; this instance pulls no camera until restarted: {}",
                        e.toString(),
                        e);
                listener.revoked(Set.copyOf(all()), true);
            } else {
                log.debug("camera group membership interrupted while closing", e);
            }
        } finally {
            // leaving the group revokes (and stops) this instance's cameras first, then hands them over at once
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(30)));
            } catch (RuntimeException e) {
                log.warn("leaving camera group {} failed: {}", groupId, e.toString());
            }
        }
    }

    private Set<Integer> all() {
        Set<Integer> out = new TreeSet<>();
        for (TopicPartition tp : consumer.assignment()) {
            out.add(tp.partition());
        }
        return out;
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            consumer.pause(partitions);
            Map<Integer, Long> readyAt = new HashMap<>();
            consumer.endOffsets(partitions).forEach((tp, end) -> readyAt.put(tp.partition(), end));
            log.info(
                    "camera group {}: this instance now owns sources partitions {}",
                    groupId,
                    new TreeSet<>(readyAt.keySet()));
            listener.assigned(readyAt);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            release(partitions, false);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            release(partitions, true);
        }

        private void release(Collection<TopicPartition> partitions, boolean lost) {
            if (partitions.isEmpty()) {
                return;
            }
            Set<Integer> ps = new TreeSet<>();
            partitions.forEach(tp -> ps.add(tp.partition()));
            log.info("camera group {}: sources partitions {} {}", groupId, ps, lost ? "lost" : "handed over");
            listener.revoked(ps, lost);
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
