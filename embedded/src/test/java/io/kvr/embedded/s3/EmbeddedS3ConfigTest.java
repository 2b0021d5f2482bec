package io.kvr.embedded.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EmbeddedS3ConfigTest {

    @Test
    void defaultsToLoopbackAndAFreePort() {
        EmbeddedS3.Config config = EmbeddedS3.Config.of(Path.of("data/s3"), "key", "secret");
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isZero();
        assertThat(config.dataDir()).isAbsolute();
        assertThat(config.withPort(9000).port()).isEqualTo(9000);
    }

    @Test
    void neverShowsTheSecret() {
        EmbeddedS3.Config config = EmbeddedS3.Config.of(Path.of("data/s3"), "key", "hunter22");
        assertThat(config.toString()).contains("key").doesNotContain("hunter22");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> new EmbeddedS3.Config(Path.of("x"), " ", 70_000, "", " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("host", "port", "accessKey", "secretKey");
    }
}
