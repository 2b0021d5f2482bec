package io.kvr.bridge.sources;

import io.kvr.runtime.kafka.KafkaClients;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which instance owns each sources partition, asked of the group coordinator (members are named after their
 * instance id) and kept for a couple of seconds, so that a camera list can say who pulls the cameras that do not
 * run here.
 */
final class GroupOwners implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupOwners.class);
    private static final Duration FRESH = Duration.ofSeconds(2);
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

    private final Admin admin;
    private final String groupId;
    private final String topic;
    private Map<Integer, String> owners = Map.of(); // guarded by this
    private long askedAt; // guarded by this; nanoTime of the last question
    private boolean asked; // guarded by this
    private boolean failing; // guarded by this

    GroupOwners(KafkaClients clients, String groupId, String instanceId) {
        this.admin = clients.admin(
                Map.of(
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ASK_TIMEOUT.toMillis(),
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ASK_TIMEOUT.toMillis()),
                Map.of(AdminClientConfig.CLIENT_ID_CONFIG, instanceId + "-sources-admin"));
        this.groupId = groupId;
        this.topic = clients.topics().sources();
    }

    /** Partition → owning instance id, as of at most two seconds ago; what was last known when Kafka does not answer. */
    synchronized Map<Integer, String> owners() {
        if (asked && System.nanoTime() - askedAt < FRESH.toNanos()) {
            return owners;
        }
        asked = true;
        askedAt = System.nanoTime();
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(java.util.List.of(groupId))
                    .describedGroups()
                    .get(groupId)
                    .get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<Integer, String> out = new HashMap<>();
            for (MemberDescription m : group.members()) {
                for (TopicPartition tp : m.assignment().topicPartitions()) {
                    if (tp.topic().equals(topic)) {
                        out.put(tp.partition(), m.clientId());
                    }
                }
            }
            owners = Map.copyOf(out);
            failing = false;
        } catch (ExecutionException | TimeoutException e) {
            if (!failing) {
                log.warn(
                        "cannot ask who pulls the cameras of group {} (lists show the last answer): {}",
                        groupId,
                        e.toString());
            }
            failing = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return owners;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
