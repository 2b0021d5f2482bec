package io.kvr.bridge.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.kafka.KafkaClients;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.junit.jupiter.api.Test;

class SourceOwnershipTest {

    private static KafkaClients kafka(String... keyValues) {
        Map<String, String> map = new HashMap<>(Map.of("kafka.bootstrap.servers", "broker:9092"));
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return new KafkaClients(KafkaSettings.from(Settings.of(map)));
    }

    @Test
    void theGroupIsTheBridgesOwnWithShortSessionsAndCooperativeMovesUnlessTheUserSaysOtherwise() {
        Map<String, Object> defaults =
                SourceOwnership.config(kafka("kafka.group.id", "someone-else"), "kvr-ingest-bridge", "bridge-1");
        Map<String, Object> tuned = SourceOwnership.config(kafka("kafka.session.timeout.ms", "6000"), "g", "bridge-1");

        assertThat(defaults)
                .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "kvr-ingest-bridge")
                .containsEntry(ConsumerConfig.CLIENT_ID_CONFIG, "bridge-1")
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
                .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000)
                .containsEntry(
                        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName())
                .containsEntry("bootstrap.servers", "broker:9092");
        assertThat(tuned).containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
    }

    @Test
    void kip848GroupsLeaveAssignmentAndSessionsToTheBroker() {
        Map<String, Object> config = SourceOwnership.config(kafka("kafka.group.protocol", "consumer"), "g", "b");

        assertThat(config)
                .doesNotContainKeys(
                        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);
    }
}
