package io.kvr.embedded.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

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
        assertThatThrownBy(() -> new EmbeddedKafka.Config(
                        DIR,
                        "127.0.0.1",
                        -1,
                        Map.of(
                                "node.id",
                                "2",
                                "listeners",
                                "PLAINTEXT://:9092",
                                "sasl.enabled.mechanisms",
                                "SCRAM-SHA-512")))
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
        Properties props =
                EmbeddedKafka.brokerProperties(EmbeddedKafka.Config.of(DIR).withHost("::1"), 9092, 9093);
        assertThat(props).containsEntry("advertised.listeners", "CLIENT://[::1]:9092");
    }

    @Test
    void aScramListenerAddsASaslPlaintextListenerWithItsMechanism() {
        EmbeddedKafka.Config config = EmbeddedKafka.Config.of(DIR)
                .withScram(EmbeddedKafka.ScramListener.of("SCRAM-SHA-256", "kvr", "s3cret-pw"));
        Properties props = EmbeddedKafka.brokerProperties(config, 9092, 9093, 9094);
        assertThat(props)
                .containsEntry("listeners", "CLIENT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093,SASL://127.0.0.1:9094")
                .containsEntry("advertised.listeners", "CLIENT://127.0.0.1:9092,SASL://127.0.0.1:9094")
                .containsEntry(
                        "listener.security.protocol.map", "CLIENT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL:SASL_PLAINTEXT")
                .containsEntry("listener.name.sasl.sasl.enabled.mechanisms", "SCRAM-SHA-256")
                .containsEntry(
                        "listener.name.sasl.scram-sha-256.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;")
                .containsEntry("inter.broker.listener.name", "CLIENT");
        assertThat(config.toString()).contains("scram=", "kvr").doesNotContain("s3cret-pw");
    }

    @Test
    void scramListenerClientPropertiesCarryTheLoginAndBadOnesAreRejected() {
        EmbeddedKafka.ScramListener scram = EmbeddedKafka.ScramListener.of("SCRAM-SHA-512", "app", "pw1");
        assertThat(scram.clientProperties("app", "pw1"))
                .containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry(
                        "sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"app\" password=\"pw1\";");
        assertThatThrownBy(() -> new EmbeddedKafka.ScramListener(-1, "PLAIN", Map.of("a\"b", "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("port", "mechanism", "user name", "password");
    }
}
