package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.runtime.kafka.MissingTopicsException;
import io.kvr.runtime.kafka.TopicProvisioner;
import io.kvr.testsupport.TestInfra;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster where apps may not create topics: broker auto-creation off, {@code topics.create=false}, a topic
 * prefix. Apps fail naming the missing topics; after {@code kvr topics --create} (what an operator does with the
 * printed commands) they find them all.
 */
class OperatorTopicsIT {

    @Test
    void appsOnlyCheckPreCreatedTopicsAndNameTheMissingOnes(@TempDir Path dir) throws Exception {
        // a Kafka container where Docker is reachable, the embedded broker otherwise
        try (TestInfra infra = TestInfra.start(dir, Map.of("auto.create.topics.enable", "false"))) {
            String bootstrap = infra.kafkaBootstrap();
            String[] settings = {
                "kafka.bootstrap.servers=" + bootstrap,
                "topics.prefix=site1.kvr.",
                "topics.partitions=3",
                "topics.replication.factor=1",
                "topics.create=false"
            };
            Settings s = Settings.of(Map.of(
                    "kafka.bootstrap.servers",
                    bootstrap,
                    "topics.prefix",
                    "site1.kvr.",
                    "topics.partitions",
                    "3",
                    "topics.create",
                    "false"));
            KafkaSettings app = KafkaSettings.from(s);
            var needed = TopicsCommand.topics(s);

            assertThatThrownBy(() -> TopicProvisioner.of(new KafkaClients(app)).ensure(needed))
                    .isInstanceOf(MissingTopicsException.class)
                    .hasMessageContaining("site1.kvr.media.v1")
                    .hasMessageContaining("site1.kvr-indexer-streams-changelog")
                    .hasMessageContaining("kvr topics --print");

            String[] create = new String[settings.length + 2];
            create[0] = "topics";
            create[1] = "--create";
            System.arraycopy(settings, 0, create, 2, settings.length);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertThat(TopicsCommand.run(create, Map.of(), System.out, new PrintStream(err)))
                    .as(err.toString(StandardCharsets.UTF_8))
                    .isZero();

            TopicProvisioner.of(new KafkaClients(app)).ensure(needed);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                Map<String, TopicDescription> topics = admin.describeTopics(
                                Set.of("site1.kvr.media.v1", "site1.kvr.policies.v1"))
                        .allTopicNames()
                        .get(30, TimeUnit.SECONDS);
                assertThat(topics.get("site1.kvr.media.v1").partitions()).hasSize(3);
                assertThat(topics.get("site1.kvr.policies.v1").partitions()).hasSize(1);
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).noneMatch(t -> t.startsWith("kvr."));
            }
        }
    }
}
