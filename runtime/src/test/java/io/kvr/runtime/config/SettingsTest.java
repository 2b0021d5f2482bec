package io.kvr.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsTest {

    @Test
    void laterLayersWinDefaultsThenFileThenEnvironmentThenOverrides(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("kvr.properties");
        Files.writeString(file, """
                a=file
                b=file
                c=file
                d.e =  spaced value  \s
                """);
        Map<String, String> defaults = Map.of("a", "default", "b", "default", "c", "default", "z", "default");
        Map<String, String> env = Map.of("KVR_B", "env", "KVR_C", "env", "PATH", "/usr/bin", "KVR_", "ignored");
        Map<String, String> overrides = Map.of("c", "override");

        Settings s = Settings.load(defaults, file, env, overrides);

        assertThat(s.asMap())
                .containsEntry("z", "default")
                .containsEntry("a", "file")
                .containsEntry("b", "env")
                .containsEntry("c", "override")
                .containsEntry("d.e", "spaced value")
                .doesNotContainKeys("path", "PATH", "");
    }

    @Test
    void environmentVariablesBecomeLowerCaseDottedKeys() {
        Settings s = Settings.load(
                Map.of(),
                null,
                Map.of("KVR_KAFKA_BOOTSTRAP_SERVERS", "broker:9092", "KVR_HTTP_PORT", "8080", "kvr_lower", "x"),
                Map.of());

        assertThat(s.asMap())
                .containsOnly(Map.entry("kafka.bootstrap.servers", "broker:9092"), Map.entry("http.port", "8080"));
    }

    @Test
    void unreadableFileIsAConfigException(@TempDir Path dir) {
        assertThatThrownBy(() -> Settings.load(Map.of(), dir.resolve("missing.properties"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing.properties");
    }

    @Test
    void typedGettersReadValuesAndFallBackToDefaultsWhenMissingOrBlank() {
        Settings s = Settings.of(
                Map.of("n", " 42 ", "l", "9000000000", "flag", "yes", "d", "5s", "name", "x", "blank", "  "));

        assertThat(s.integer("n", 1, 0, 100)).isEqualTo(42);
        assertThat(s.longValue("l", 1, 0, Long.MAX_VALUE)).isEqualTo(9_000_000_000L);
        assertThat(s.bool("flag", false)).isTrue();
        assertThat(s.duration("d", Duration.ZERO)).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.string("name", "default")).isEqualTo("x");
        assertThat(s.string("blank", "default")).isEqualTo("default");
        assertThat(s.integer("missing", 7, 0, 10)).isEqualTo(7);
        assertThat(s.bool("blank", true)).isTrue();
        assertThat(s.duration("missing", Duration.ofMinutes(1))).isEqualTo(Duration.ofMinutes(1));
        s.validate();
    }

    @Test
    void everyProblemIsReportedAtOnceNamingItsKey() {
        Settings s = Settings.of(Map.of(
                "port", "70000", "count", "many", "big", "12x", "flag", "maybe", "timeout", "soon", "empty", ""));

        assertThat(s.integer("port", 8080, 0, 65535)).isEqualTo(8080);
        assertThat(s.integer("count", 3, 0, 10)).isEqualTo(3);
        assertThat(s.longValue("big", 5, 0, 10)).isEqualTo(5);
        assertThat(s.bool("flag", true)).isTrue();
        assertThat(s.duration("timeout", Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.required("empty")).isEmpty();
        s.required("absent");

        assertThatThrownBy(s::validate)
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .hasSize(7)
                                .anySatisfy(
                                        p -> assertThat(p).startsWith("port:").contains("70000", "0..65535"))
                                .anySatisfy(
                                        p -> assertThat(p).startsWith("count:").contains("many"))
                                .anySatisfy(p -> assertThat(p).startsWith("big:"))
                                .anySatisfy(p -> assertThat(p).startsWith("flag:"))
                                .anySatisfy(p -> assertThat(p).startsWith("timeout:"))
                                .anySatisfy(p -> assertThat(p).isEqualTo("empty: required"))
                                .anySatisfy(p -> assertThat(p).isEqualTo("absent: required")));
    }

    @ParameterizedTest(name = "{0} -> {1} ms")
    @CsvSource({
        "500ms, 500",
        "5s, 5000",
        "2m, 120000",
        "24h, 86400000",
        "7d, 604800000",
        "1500, 1500",
        "0, 0",
        "10S, 10000",
        "250MS, 250",
    })
    void durationsAcceptUnitSuffixesOrPlainMilliseconds(String value, long millis) {
        Settings s = Settings.of(Map.of("t", value));

        assertThat(s.duration("t", Duration.ZERO)).isEqualTo(Duration.ofMillis(millis));
        s.validate();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "soon",
                "5x",
                "1.5s",
                "ms",
                "s",
                "5 s",
                "h1",
                "99999999999999999999",
                "300000000000000d",
                "300000000000000000m"
            })
    void badDurationsAreCollectedAsProblems(String value) {
        Settings s = Settings.of(Map.of("t", value));

        assertThat(s.duration("t", Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(s::validate)
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems()).singleElement().asString().startsWith("t: "));
    }

    @Test
    void withPrefixStripsThePrefixAndKeepsOnlyKeysUnderIt() {
        Settings s = Settings.of(Map.of(
                "kafka.bootstrap.servers",
                "b:9092",
                "kafka.sasl.mechanism",
                "PLAIN",
                "kafka.",
                "nothing after the prefix",
                "kafkaesque.x",
                "no",
                "topics.prefix",
                "kvr."));

        Map<String, String> kafka = s.withPrefix("kafka.");

        assertThat(kafka).containsOnly(Map.entry("bootstrap.servers", "b:9092"), Map.entry("sasl.mechanism", "PLAIN"));
        assertThatThrownBy(() -> kafka.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void toStringHidesSecretValuesAndCredentialsInUrls() {
        Settings s = Settings.of(Map.of(
                "s3.secret.key", "hunter2",
                "s3.access.key", "AKIA123",
                "kafka.sasl.jaas.config", "PlainLoginModule required username=\"u\" password=\"jaaspw\";",
                "kafka.ssl.truststore.password", "tspw",
                "edge.token", "tok123",
                "camera.live/door.url", "rtsp://admin:campw@10.0.0.5/stream1",
                "http.port", "8080"));

        String shown = s.toString();

        assertThat(shown)
                .doesNotContain("hunter2", "AKIA123", "jaaspw", "tspw", "tok123", "campw", "admin")
                .contains("s3.secret.key=******", "rtsp://***@10.0.0.5/stream1", "http.port=8080");
    }
}
