package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InfraCommandTest {
    @Test
    void portsDefaultToAnyFreeOneAndDataToDotData() {
        assertThat(InfraCommand.Options.parse(new String[] {"infra"}))
                .isEqualTo(new InfraCommand.Options(Path.of("data"), 0, 0));
        assertThat(InfraCommand.Options.parse(
                        new String[] {"infra", "--data", "/tmp/x", "--kafka-port", "19092", "--s3-port", "19000"}))
                .isEqualTo(new InfraCommand.Options(Path.of("/tmp/x"), 19092, 19000));
    }

    @Test
    void badOptionsAreUsageErrorsNamingTheFlag() throws Exception {
        assertThatThrownBy(() -> InfraCommand.Options.parse(new String[] {"infra", "--kafka-port", "x"}))
                .hasMessageContaining("--kafka-port")
                .hasMessageContaining("'x'");
        assertThatThrownBy(() -> InfraCommand.Options.parse(new String[] {"infra", "--s3-port"}))
                .hasMessageContaining("--s3-port needs a value");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = InfraCommand.run(
                new String[] {"infra", "--camera", "a/b=rtsp://x"},
                Map.of(),
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("unknown option '--camera'")
                .contains("usage: kvr infra");
    }

    @Test
    void theReadyLineIsTheAppsSettingsAsKeyValuePairsWithoutTheSecret() {
        assertThat(InfraCommand.readyLine("127.0.0.1:4000", "http://127.0.0.1:5000", "kvr"))
                .isEqualTo(
                        "kvr-infra kafka.bootstrap.servers=127.0.0.1:4000 s3.endpoint=http://127.0.0.1:5000 s3.access.key=kvr");
    }

    @Test
    void helpPrintsTheUsageAndStartsNothing() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = InfraCommand.run(
                new String[] {"infra", "--help"},
                Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err);
        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .startsWith("usage: kvr infra")
                .contains("--data", "--kafka-port", "--s3-port")
                .doesNotContain("kafka.bootstrap.servers=");
    }
}
