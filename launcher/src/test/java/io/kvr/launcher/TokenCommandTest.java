package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.http.access.Grant;
import io.kvr.http.access.Role;
import io.kvr.http.access.SignedToken;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenCommandTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_763_800_000L), ZoneOffset.UTC);

    private record Run(int status, String out, String err) {}

    private static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TokenCommand.run(
                args,
                env,
                CLOCK,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8).trim(), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void mintsATokenWithTheSecretFromTheEnvironment() {
        Run r = run(
                Map.of("KVR_ACCESS_TOKEN_SECRET", SECRET),
                "token",
                "--stream",
                "live/door",
                "--ttl",
                "2h",
                "--start",
                "1000",
                "--end",
                "2000");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(new SignedToken(SECRET).verify(r.out()))
                .isEqualTo(new Grant("live/door", 1_763_800_000L + 7200, 1000L, 2000L));
    }

    @Test
    void refusesWithoutASecretOrWithBadArguments() {
        assertThat(run(Map.of(), "token", "--stream", "live/door").err()).contains("no access.token.secret");
        Map<String, String> env = Map.of("KVR_ACCESS_TOKEN_SECRET", SECRET);
        assertThat(run(env, "token").status()).isEqualTo(2);
        assertThat(run(env, "token", "--stream", "../x").status()).isEqualTo(2);
        assertThat(run(env, "token", "--stream", "live/door", "--start", "5").status())
                .isEqualTo(2);
        assertThat(run(env, "token", "--stream", "live/door", "--ttl", "soon").status())
                .isEqualTo(2);
        assertThat(run(env, "token", "--stream", "live/*").status()).isZero();
        Run badRole = run(env, "token", "--stream", "live/door", "--role", "root");
        assertThat(badRole.status()).isEqualTo(2);
        assertThat(badRole.err()).contains("--role must be viewer, operator, admin or publisher");
        assertThat(run(env, "token", "--stream", "live/door", "--role").status())
                .isEqualTo(2);
    }

    @Test
    void aRoleIsMintedIntoTheTokenAndViewerIsTheDefault() {
        Map<String, String> env = Map.of("KVR_ACCESS_TOKEN_SECRET", SECRET);
        SignedToken tokens = new SignedToken(SECRET);
        assertThat(tokens.verify(run(env, "token", "--stream", "live/door").out())
                        .role())
                .isEqualTo(Role.VIEWER);
        Run admin = run(env, "token", "--stream", "*", "--role", "admin", "--ttl", "10m");
        assertThat(admin.status()).as(admin.err()).isZero();
        assertThat(tokens.verify(admin.out())).isEqualTo(new Grant("*", 1_763_800_000L + 600, null, null, Role.ADMIN));
        Run operator =
                run(env, "token", "--role", "operator", "--stream", "live/*", "--start", "1000", "--end", "2000");
        assertThat(tokens.verify(operator.out()))
                .isEqualTo(new Grant("live/*", 1_763_800_000L + 3600, 1000L, 2000L, Role.OPERATOR));
    }

    @Test
    void flagsTakeTheirValueAfterAnEqualsSignToo() {
        Map<String, String> env = Map.of("KVR_ACCESS_TOKEN_SECRET", SECRET);
        Run joined =
                run(env, "token", "--stream=live/door", "--role=operator", "--ttl=2h", "--start=1000", "--end=2000");
        assertThat(joined.status()).as(joined.err()).isZero();
        assertThat(new SignedToken(SECRET).verify(joined.out()))
                .isEqualTo(new Grant("live/door", 1_763_800_000L + 7200, 1000L, 2000L, Role.OPERATOR));
        Run help = run(env, "token", "--help");
        assertThat(help.status()).isZero();
        assertThat(help.out()).startsWith("usage: kvr token --stream");
        Run badStart = run(env, "token", "--stream", "live/door", "--start=soon", "--end=2000");
        assertThat(badStart.status()).isEqualTo(2);
        assertThat(badStart.err()).contains("kvr token: --start takes unix milliseconds", "usage: kvr token");
    }
}
