package io.kvr.runtime.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.runtime.config.Settings;
import io.kvr.runtime.http.HttpError;
import io.kvr.runtime.http.Request;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Credential checks without HTTP; the same cases through a real server are in hls-edge's EdgeAccessIT. */
class AccessControlTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final long NOW = 1_763_800_000L;
    private final Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    private final AccessControl access = new AccessControl(AccessSettings.from(Settings.of(Map.of(
            "access.required", "true", "access.token.secret", SECRET, "access.clock.skew", "10s"))), clock);
    private final SignedToken tokens = new SignedToken(SECRET);

    private static Request request(Map<String, String> query, Map<String, List<String>> headers) {
        return new Request("GET", "/", Map.of(), query, headers, new byte[0]);
    }

    private static int status(Runnable r) {
        try {
            r.run();
            return 200;
        } catch (HttpError e) {
            return e.status();
        }
    }

    @Test
    void validExpiredWrongStreamTampered() {
        String valid = tokens.mint(new Grant("live/cam", NOW + 60, null, null));
        String expired = tokens.mint(new Grant("live/cam", NOW - 11, null, null));
        String withinSkew = tokens.mint(new Grant("live/cam", NOW - 9, null, null));
        String other = tokens.mint(new Grant("live/other", NOW + 60, null, null));
        String tampered = valid.substring(0, valid.length() - 2) + (valid.endsWith("A") ? "BB" : "AA");
        assertThat(status(() -> access.check(request(Map.of("token", valid), Map.of()), "live/cam"))).isEqualTo(200);
        assertThat(status(() -> access.check(request(Map.of("token", expired), Map.of()), "live/cam"))).isEqualTo(403);
        assertThat(status(() -> access.check(request(Map.of("token", withinSkew), Map.of()), "live/cam"))).isEqualTo(200);
        assertThat(status(() -> access.check(request(Map.of("token", other), Map.of()), "live/cam"))).isEqualTo(403);
        assertThat(status(() -> access.check(request(Map.of("token", tampered), Map.of()), "live/cam"))).isEqualTo(403);
        assertThat(status(() -> access.check(request(Map.of(), Map.of()), "live/cam"))).isEqualTo(401);
        assertThat(status(() -> access.check(request(Map.of(), Map.of("authorization", List.of("Bearer " + valid))), "live/cam")))
                .isEqualTo(200);
        assertThat(status(() -> access.check(request(Map.of(), Map.of("Authorization", List.of("Basic abc"))), "live/cam")))
                .isEqualTo(401);
        assertThat(status(() -> access.check(request(Map.of("token", "eyJ.a.b"), Map.of()), "live/cam")))
                .as("a JWT where none is configured").isEqualTo(403);
    }

    @Test
    void aFarExpiryDoesNotOverflow() {
        String forever = tokens.mint(new Grant("live/cam", Long.MAX_VALUE, null, null));
        assertThat(status(() -> access.check(request(Map.of("token", forever), Map.of()), "live/cam"))).isEqualTo(200);
    }

    @Test
    void onlyAQueryCredentialIsCarriedOn() {
        String valid = tokens.mint(new Grant("live/cam", NOW + 60, null, null));
        assertThat(access.check(request(Map.of("token", valid), Map.of())).uriSuffix()).isEqualTo("?token=" + valid);
        assertThat(access.check(request(Map.of(), Map.of("Authorization", List.of("Bearer " + valid)))).uriSuffix()).isEmpty();
    }

    @Test
    void offMeansEverythingIsGranted() {
        AccessControl off = new AccessControl(AccessSettings.off());
        AccessControl.Access a = off.check(request(Map.of(), Map.of()), "live/cam");
        assertThat(a.grant()).isEqualTo(Grant.ALL);
        assertThat(a.uriSuffix()).isEmpty();
        assertThat(a.requireRange(0, Long.MAX_VALUE)).isSameAs(a);
    }

    @Test
    void requiringAccessWithoutAKeyIsAConfigError() {
        Settings s = Settings.of(Map.of("access.required", "true"));
        AccessSettings.from(s);
        assertThatThrownBy(s::validate).hasMessageContaining("access.required=true needs");
        Settings shortSecret = Settings.of(Map.of("access.token.secret", "short"));
        AccessSettings.from(shortSecret);
        assertThatThrownBy(shortSecret::validate).hasMessageContaining("at least 32 bytes");
        Settings badKey = Settings.of(Map.of("access.jwt.rs256.public.key", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"));
        AccessSettings.from(badKey);
        assertThatThrownBy(badKey::validate).hasMessageContaining("not an RSA public key");
    }

    @Test
    void secretsStayOutOfToString() {
        assertThat(AccessSettings.from(Settings.of(Map.of("access.token.secret", SECRET))).toString()).doesNotContain(SECRET);
    }
}
