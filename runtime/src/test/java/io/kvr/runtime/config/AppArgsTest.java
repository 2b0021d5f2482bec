package io.kvr.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppArgsTest {

    @Test
    void theConfigFileIsNamedAfterASpaceOrAnEqualsSignAndSettingsFollow() {
        AppArgs.Request spaced = AppArgs.parse(
                "SegmenterMain",
                new String[] {"--config", "app.properties", "http.port=8081", "camera.live/door.url=rtsp://cam/x?a=b"});
        AppArgs.Request joined = AppArgs.parse(
                "SegmenterMain",
                new String[] {"http.port=8081", "--config=app.properties", "camera.live/door.url=rtsp://cam/x?a=b"});

        for (AppArgs.Request r : new AppArgs.Request[] {spaced, joined}) {
            assertThat(r.configFile()).isEqualTo(Path.of("app.properties"));
            assertThat(r.overrides())
                    .containsExactly(
                            Map.entry("http.port", "8081"), Map.entry("camera.live/door.url", "rtsp://cam/x?a=b"));
            assertThat(r.help()).isFalse();
        }
    }

    @Test
    void helpGivesTheUsageOfTheApp() {
        AppArgs.Request help = AppArgs.parse("EdgeMain", new String[] {"--help"});
        assertThat(help.help()).isTrue();
        assertThat(help.usage())
                .startsWith("usage: EdgeMain [--config FILE] [key=value ...]")
                .contains("--config=FILE", "key=value", "KVR_CONFIG");
        assertThat(AppArgs.parse("EdgeMain", new String[] {"-h"}).help()).isTrue();
    }

    @Test
    void anythingElseIsRefusedWithoutShowingCredentials() {
        assertThatThrownBy(() -> AppArgs.parse("BridgeMain", new String[] {"--camera", "a/b=rtsp://u:s3cret@h/x"}))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown argument '--camera'")
                .hasMessageContaining("usage: [--config FILE] [key=value ...]");
        assertThatThrownBy(() -> AppArgs.parse("BridgeMain", new String[] {"rtsp://u:s3cret@h/x"}))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown argument 'rtsp://***@h/x'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
        assertThatThrownBy(() -> AppArgs.parse("BridgeMain", new String[] {"=x"}))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> AppArgs.parse("BridgeMain", new String[] {"--config"}))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--config");
    }

    @Test
    void settingsComeFromDefaultsThenFileThenEnvironmentThenCommandLine(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("app.properties"), "a=file\nb=file\nc=file\n");
        AppArgs.Request request = AppArgs.parse("IndexerMain", new String[] {"c=line"});
        Settings s = AppArgs.settings(
                request, Map.of("a", "default", "d", "default"), Map.of("KVR_CONFIG", file.toString(), "KVR_B", "env"));

        assertThat(s.string("a", "")).isEqualTo("file");
        assertThat(s.string("b", "")).isEqualTo("env");
        assertThat(s.string("c", "")).isEqualTo("line");
        assertThat(s.string("d", "")).isEqualTo("default");
        assertThatThrownBy(() -> AppArgs.settings(
                        AppArgs.parse("IndexerMain", new String[] {"--config=" + dir.resolve("missing")}),
                        Map.of(),
                        Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not readable");
    }
}
