package io.kvr.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.runtime.storage.PresignedUrls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings for real clusters: secrets from files, S3 addressing style, group ids from the topic prefix. */
class RealClusterSettingsTest {

    @Test
    void anyKeyCanBeReadFromAFileAndTheFileKeyIsNotPassedOn(@TempDir Path dir) throws IOException {
        Path secret = Files.writeString(dir.resolve("secret-key"), "s3cr3t\n");
        Path jaas = Files.writeString(
                dir.resolve("jaas"),
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";\n");
        Settings s = Settings.load(
                Map.of("s3.secret.key", "default"),
                null,
                Map.of("KVR_S3_SECRET_KEY_FILE", secret.toString()),
                Map.of(
                        "kafka.sasl.jaas.config.file",
                        jaas.toString(),
                        "kafka.sasl.oauthbearer.assertion.file",
                        "/kafka/reads/this/itself"));

        assertThat(s.asMap())
                .containsEntry("s3.secret.key", "s3cr3t")
                .containsEntry("kafka.sasl.jaas.config", Files.readString(jaas).strip())
                .doesNotContainKeys("s3.secret.key.file", "kafka.sasl.jaas.config.file");
        assertThat(KafkaSettings.from(s).clientProperties())
                .containsEntry("sasl.oauthbearer.assertion.file", "/kafka/reads/this/itself")
                .doesNotContainKey("sasl.jaas.config.file");
        assertThat(s.toString()).doesNotContain("s3cr3t", "password=\"p\"");
    }

    @Test
    void unreadableSecretFileNamesTheKeyNotTheContent(@TempDir Path dir) {
        Settings s = Settings.load(
                Map.of(),
                null,
                Map.of(),
                Map.of("s3.secret.key.file", dir.resolve("none").toString()));

        assertThatThrownBy(s::validate).isInstanceOf(ConfigException.class).hasMessageContaining("s3.secret.key.file");
    }

    @Test
    void pathStyleIsAutoTrueOrFalse() {
        Map<String, String> base = Map.of(
                "s3.endpoint",
                "https://s3.example.com",
                "s3.access.key",
                "a",
                "s3.secret.key",
                "b",
                "s3.bucket",
                "recordings");
        assertThat(S3Settings.from(Settings.of(base)).pathStyle()).isNull();

        S3Settings path = S3Settings.from(Settings.of(with(base, "s3.path.style", "true")));
        S3Settings virtual = S3Settings.from(Settings.of(with(base, "s3.path.style", "false")));

        // signing is local, so the URLs show how the bucket is addressed without any request
        assertThat(new PresignedUrls(path, path.endpoint()).get("k.m4s", Duration.ofMinutes(1)))
                .startsWith("https://s3.example.com/recordings/k.m4s");
        assertThat(new PresignedUrls(virtual, virtual.endpoint()).get("k.m4s", Duration.ofMinutes(1)))
                .startsWith("https://recordings.s3.example.com/k.m4s");
        assertThat(path.toString()).contains("pathStyle=true");
    }

    @Test
    void badPathStyleIsReported() {
        Settings s = Settings.of(Map.of(
                "s3.endpoint", "http://x", "s3.access.key", "a", "s3.secret.key", "b", "s3.path.style", "sometimes"));
        S3Settings.from(s);
        assertThatThrownBy(s::validate).hasMessageContaining("s3.path.style");
    }

    @Test
    void groupIdsFollowTheTopicPrefixAndKeepTheDefaultNames() {
        assertThat(GroupIds.from(Settings.of(Map.of())).of("segmenter")).isEqualTo("kvr-segmenter");
        assertThat(GroupIds.ofPrefix("site1.kvr.").of("indexer")).isEqualTo("site1.kvr-indexer");
        assertThat(GroupIds.ofPrefix("").of("ingest-bridge")).isEqualTo("kvr-ingest-bridge");
    }

    @Test
    void topicsCreateDefaultsToTrue() {
        assertThat(KafkaSettings.from(Settings.of(Map.of("kafka.bootstrap.servers", "b:9092")))
                        .createTopics())
                .isTrue();
        assertThat(KafkaSettings.from(
                                Settings.of(Map.of("kafka.bootstrap.servers", "b:9092", "topics.create", "false")))
                        .createTopics())
                .isFalse();
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> m = new java.util.HashMap<>(base);
        m.put(key, value);
        return m;
    }
}
