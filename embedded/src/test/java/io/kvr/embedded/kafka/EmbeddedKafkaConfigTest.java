package io.kvr.embedded.kafka;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedKafkaConfigTest {

    private static final Path DIR = Path.of("data/kafka");

    @Test
    void defaultsToLoopbackAFreePortAndNoExtraProperties() {
        EmbeddedKafka.Config config = EmbeddedKafka.Config.of(DIR);
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isZero();
        assertThat(config.extraProperties()).isEmpty();
        assertThat(config.dataDir()).isAbsolute();
    }

    @Test
    void rejectsReservedPropertiesAndBadPortsAllAtOnce() {
        assertThatThrownBy(() -> new EmbeddedKafka.Config(DIR, "127.0.0.1", -1,
                Map.of("node.id", "2", "listeners", "PLAINTEXT://:9092", "sasl.enabled.mechanisms", "SCRAM-SHA-512")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("port", "listeners", "node.id")
                .hasMessageNotContaining("sasl.enabled.mechanisms");
    }

    @Test
    void neverShowsExtraPropertyValues() {
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required password=\"hunter22\";";
        EmbeddedKafka.Config config = EmbeddedKafka.Config.of(DIR)
                .withExtraProperties(Map.of("listener.name.client.scram-sha-512.sasl.jaas.config", jaas));
        assertThat(config.toString()).contains("sasl.jaas.config").doesNotContain("hunter22");
    }

    @Test
    void brokerPropertiesCarryTheSingleNodeSettings() {
        Properties props = EmbeddedKafka.brokerProperties(EmbeddedKafka.Config.of(DIR), 9092, 9093);
        assertThat(props)
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:9093")
                .containsEntry("listeners", "CLIENT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093")
                .containsEntry("advertised.listeners", "CLIENT://127.0.0.1:9092")
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("share.coordinator.state.topic.replication.factor", "1")
                .containsEntry("share.coordinator.state.topic.min.isr", "1")
                .containsEntry("log.cleaner.dedupe.buffer.size", "2097152")
                .containsEntry("message.max.bytes", "16777216")
                .containsEntry("replica.fetch.max.bytes", "16777216")
                .containsEntry("auto.create.topics.enable", "false")
                .containsEntry("group.initial.rebalance.delay.ms", "0")
                .containsEntry("log.dirs", DIR.toAbsolutePath().toString());
    }

    @Test
    void extraPropertiesOverrideTheDefaults() {
        EmbeddedKafka.Config config = EmbeddedKafka.Config.of(DIR)
                .withExtraProperties(Map.of("auto.create.topics.enable", "true", "num.io.threads", "2"));
        Properties props = EmbeddedKafka.brokerProperties(config, 9092, 9093);
        assertThat(props).containsEntry("auto.create.topics.enable", "true").containsEntry("num.io.threads", "2");
    }

    @Test
    void bracketsAnIpv6Host() {
        Properties props = EmbeddedKafka.brokerProperties(EmbeddedKafka.Config.of(DIR).withHost("::1"), 9092, 9093);
        assertThat(props).containsEntry("advertised.listeners", "CLIENT://[::1]:9092");
    }
}
