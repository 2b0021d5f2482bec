package io.kvr.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.Settings;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {

    private static KafkaClients clients(String... keyValues) {
        Map<String, String> map = new HashMap<>(Map.of("kafka.bootstrap.servers", "broker:9092"));
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return new KafkaClients(KafkaSettings.from(Settings.of(map)));
    }

    @Test
    void theUsersSettingsWinOverDefaultsAndFixedValuesWinOverBoth() {
        Map<String, Object> config = clients("kafka.linger.ms", "7", "kafka.client.id", "mine")
                .config(Map.of("linger.ms", 20, "acks", "all"), Map.of("client.id", "kvr-fixed"));

        assertThat(config)
                .containsEntry("linger.ms", "7")
                .containsEntry("acks", "all")
                .containsEntry("client.id", "kvr-fixed")
                .containsEntry("bootstrap.servers", "broker:9092");
    }

    @Test
    void aGroupMemberIsInItsOwnGroupWhateverKafkaGroupIdSays() {
        Map<String, Object> config = clients("kafka.group.id", "someone-else", "kafka.session.timeout.ms", "6000")
                .groupConsumerConfig(
                        "kvr-bridges",
                        Map.of(
                                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                                10_000,
                                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                                3_000),
                        Map.of("client.id", "bridge-1"));

        assertThat(config)
                .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "kvr-bridges")
                .containsEntry(ConsumerConfig.CLIENT_ID_CONFIG, "bridge-1")
                .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000")
                .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
    }

    @Test
    void kip848GroupsGetNoSettingOfTheClassicProtocolWhoeverSetIt() {
        Map<String, Object> config = clients("kafka.group.protocol", "CONSUMER", "kafka.session.timeout.ms", "6000")
                .groupConsumerConfig(
                        "g",
                        Map.of(
                                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, "cooperative-sticky",
                                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000,
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"),
                        Map.of());

        assertThat(config)
                .doesNotContainKeys(
                        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)
                .containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest")
                .containsEntry(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "CONSUMER");
    }

    @Test
    void kafkaStreamsGetsThePassThroughSettingsOverItsDefaults() {
        Properties config = clients("kafka.security.protocol", "SASL_PLAINTEXT", "kafka.commit.interval.ms", "250")
                .streamsConfig(Map.of("application.id", "kvr-indexer", "commit.interval.ms", 1000), Map.of());

        assertThat(config)
                .containsEntry("application.id", "kvr-indexer")
                .containsEntry("commit.interval.ms", "250")
                .containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("bootstrap.servers", "broker:9092");
    }
}
