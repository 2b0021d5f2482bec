package io.kvr.http.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.runtime.config.ConfigException;
import io.kvr.runtime.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {
    private static final String SCRIPT_KEY = "script-key-0123456789abcdef";
    private static final String OPS_KEY = "ops-key-0123456789abcdef-xyz";

    private static String sha256(String key) {
        return "sha256:" + HexFormat.of().formatHex(ApiKeys.sha256(key));
    }

    private static ApiKeys parse(List<String> problems, String... lines) {
        return ApiKeys.parse("keys.txt", List.of(lines), problems::add);
    }

    @Test
    void plainAndHashedKeysWithRolesAndScopes() {
        List<String> problems = new ArrayList<>();
        ApiKeys keys = parse(
                problems,
                "# machines that call kvr",
                "",
                SCRIPT_KEY + "   viewer   live/door,live/yard",
                "   " + sha256(OPS_KEY).toUpperCase().replace("SHA256:", "sha256:") + " operator live/*   ",
                sha256("admin-key-0123456789abcdef") + "\tadmin");
        assertThat(problems).isEmpty();
        assertThat(keys.size()).isEqualTo(3);

        Grant script = keys.match(SCRIPT_KEY).orElseThrow();
        assertThat(script.role()).isEqualTo(Role.VIEWER);
        assertThat(script.streams()).containsExactly("live/door", "live/yard");
        assertThat(script.coversStream("live/yard")).isTrue();
        assertThat(script.coversStream("live/gate")).isFalse();
        assertThat(script.expiresAtSec()).isEqualTo(Long.MAX_VALUE);
        assertThat(script.hasRange()).isFalse();

        Grant ops = keys.match(OPS_KEY).orElseThrow();
        assertThat(ops.role()).isEqualTo(Role.OPERATOR);
        assertThat(ops.coversStream("live/gate")).isTrue();
        assertThat(ops.coversApp("live")).isTrue();
        assertThat(ops.coversStream("other/gate")).isFalse();

        Grant admin = keys.match("admin-key-0123456789abcdef").orElseThrow();
        assertThat(admin.role()).isEqualTo(Role.ADMIN);
        assertThat(admin.streams()).as("all streams when omitted").containsExactly("*");
        assertThat(admin.coversApp("anything")).isTrue();
    }

    @Test
    void aHashIsNotItselfAKeyAndUnknownKeysMatchNothing() {
        ApiKeys keys = parse(new ArrayList<>(), sha256(OPS_KEY) + " operator");
        assertThat(keys.match(sha256(OPS_KEY))).isEmpty();
        assertThat(keys.match(OPS_KEY + "x")).isEmpty();
        assertThat(keys.match("")).isEmpty();
        assertThat(ApiKeys.NONE.match(OPS_KEY)).isEmpty();
    }

    @Test
    void badLinesAreProblemsNamingFileAndLineWithoutTheKey() {
        List<String> problems = new ArrayList<>();
        String secretish = "never-echo-this-key-0123456789";
        ApiKeys keys = parse(
                problems,
                "# header",
                secretish,
                secretish + " root",
                "short operator",
                "sha256:abc operator",
                secretish + " viewer live/door,../x",
                secretish + " viewer live/door, live/*",
                secretish + " admin other/*",
                secretish + " admin");
        assertThat(problems)
                .containsExactly(
                        "access.api.keys.file: keys.txt line 2: expected KEY ROLE [STREAMS]",
                        "access.api.keys.file: keys.txt line 3: the role must be viewer, operator, admin or publisher",
                        "access.api.keys.file: keys.txt line 4: a key must be at least 16 characters (or sha256:HEX)",
                        "access.api.keys.file: keys.txt line 5: sha256: must be followed by 64 hex digits",
                        "access.api.keys.file: keys.txt line 6: streams must be a comma list of app/stream or app/*",
                        "access.api.keys.file: keys.txt line 8: the same key as line 7",
                        "access.api.keys.file: keys.txt line 9: the same key as line 7");
        assertThat(String.join("\n", problems)).doesNotContain(secretish).doesNotContain("short");
        assertThat(keys.size()).as("the good line is kept").isEqualTo(1);
        assertThat(keys.match(secretish).orElseThrow().streams()).containsExactly("live/door", "live/*");
        assertThat(keys.toString()).doesNotContain(secretish);
    }

    @Test
    void theFileIsReadThroughSettingsAndSatisfiesAccessRequired(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("api-keys");
        Files.writeString(file, "# ops\n" + sha256(OPS_KEY) + " operator\n");
        Path config = dir.resolve("kvr.properties");
        Files.writeString(config, "access.required=true\naccess.api.keys.file=" + file + "\n");
        // through the loader, where KEY.file settings are otherwise replaced by the file's content
        Settings settings = Settings.load(Map.of(), config, Map.of(), Map.of());
        AccessSettings access = AccessSettings.from(settings);
        settings.validate();
        assertThat(access.apiKeys().match(OPS_KEY)).isPresent();
        assertThat(access.toString())
                .contains("apiKeys=1")
                .doesNotContain(OPS_KEY)
                .doesNotContain(sha256(OPS_KEY));
    }

    @Test
    void aBadOrMissingFileFailsValidation(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("api-keys");
        Files.writeString(file, "\n\n" + SCRIPT_KEY + " superuser\n");
        Settings bad = Settings.of(Map.of("access.required", "true", "access.api.keys.file", file.toString()));
        AccessSettings.from(bad);
        assertThat(problems(bad))
                .containsExactly("access.api.keys.file: " + file
                        + " line 3: the role must be viewer, operator, admin or publisher");
        Settings missing =
                Settings.of(Map.of("access.api.keys.file", dir.resolve("nope").toString()));
        AccessSettings.from(missing);
        assertThat(problems(missing)).singleElement().asString().startsWith("access.api.keys.file: cannot read");
    }

    private static List<String> problems(Settings s) {
        try {
            s.validate();
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }
}
