package io.kvr.http.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.http.HttpError;
import io.kvr.http.Request;
import io.kvr.runtime.config.Settings;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Credential checks without HTTP; the same cases through a real server are in hls-edge's EdgeAccessIT. */
class AccessControlTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final long NOW = 1_763_800_000L;
    private final Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    private final AccessControl access = new AccessControl(
            AccessSettings.from(Settings.of(
                    Map.of("access.required", "true", "access.token.secret", SECRET, "access.clock.skew", "10s"))),
            clock);
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
        assertThat(status(() -> access.check(request(Map.of("token", valid), Map.of()), "live/cam")))
                .isEqualTo(200);
        assertThat(status(() -> access.check(request(Map.of("token", expired), Map.of()), "live/cam")))
                .isEqualTo(403);
        assertThat(status(() -> access.check(request(Map.of("token", withinSkew), Map.of()), "live/cam")))
                .isEqualTo(200);
        assertThat(status(() -> access.check(request(Map.of("token", other), Map.of()), "live/cam")))
                .isEqualTo(403);
        assertThat(status(() -> access.check(request(Map.of("token", tampered), Map.of()), "live/cam")))
                .isEqualTo(403);
        assertThat(status(() -> access.check(request(Map.of(), Map.of()), "live/cam")))
                .isEqualTo(401);
        assertThat(status(() -> access.check(
                        request(Map.of(), Map.of("authorization", List.of("Bearer " + valid))), "live/cam")))
                .isEqualTo(200);
        assertThat(status(() ->
                        access.check(request(Map.of(), Map.of("Authorization", List.of("Basic abc"))), "live/cam")))
                .isEqualTo(401);
        assertThat(status(() -> access.check(request(Map.of("token", "eyJ.a.b"), Map.of()), "live/cam")))
                .as("a JWT where none is configured")
                .isEqualTo(403);
    }

    @Test
    void aRouteNeedsAtLeastItsRole() {
        String viewer = tokens.mint(new Grant("*", NOW + 60, null, null));
        String operator = tokens.mint(new Grant("*", NOW + 60, null, null, Role.OPERATOR));
        String admin = tokens.mint(new Grant("*", NOW + 60, null, null, Role.ADMIN));
        Map<String, List<Integer>> expected = Map.of(
                // PUBLIC, PUBLISHER, VIEWER, OPERATOR, ADMIN
                viewer, List.of(200, 403, 200, 403, 403),
                operator, List.of(200, 403, 200, 200, 403),
                admin, List.of(200, 200, 200, 200, 200));
        expected.forEach((token, statuses) -> {
            List<Integer> got = new ArrayList<>();
            for (Role needed : Role.values()) {
                got.add(status(() -> access.authorize(request(Map.of("token", token), Map.of()), needed)));
            }
            assertThat(got).as(tokens.verify(token).role().toString()).isEqualTo(statuses);
        });
        assertThat(access.authorize(request(Map.of(), Map.of()), Role.PUBLIC)).isSameAs(AccessControl.Access.ANONYMOUS);
        assertThat(status(() -> access.authorize(request(Map.of(), Map.of()), Role.VIEWER)))
                .isEqualTo(401);
        assertThat(status(() -> access.authorize(request(Map.of("token", "k1.bad.bad"), Map.of()), Role.PUBLIC)))
                .as("a public route ignores credentials")
                .isEqualTo(200);
        assertThatThrownBy(() -> access.authorize(request(Map.of("token", viewer), Map.of()), Role.ADMIN))
                .isInstanceOf(HttpError.class)
                .hasMessage("this needs the admin role; the credential has the viewer role");
        AccessControl off = AccessControl.open();
        assertThat(off.authorize(request(Map.of(), Map.of()), Role.ADMIN)).isSameAs(AccessControl.Access.OPEN);
    }

    @Test
    void anonymousAccessCoversNoStream() {
        AccessControl.Access anonymous = AccessControl.Access.ANONYMOUS;
        assertThat(anonymous.covers("live/cam")).isFalse();
        assertThat(status(() -> anonymous.requireStream("live/cam"))).isEqualTo(403);
        assertThat(status(() -> anonymous.requireApp("live"))).isEqualTo(403);
        assertThat(new Request("GET", "/", Map.of(), Map.of(), Map.of(), new byte[0]).access())
                .isSameAs(anonymous);
    }

    @Test
    void apiKeysComeAsBearerOrXApiKeyButNeverInTheQuery() {
        String key = "machine-key-0123456789abcdef";
        List<String> problems = new ArrayList<>();
        AccessSettings settings = AccessSettings.from(Settings.of(
                Map.of("access.required", "true", "access.token.secret", SECRET, "access.clock.skew", "10s")));
        AccessSettings withKeys = new AccessSettings(
                true,
                settings.tokenSecret(),
                null,
                null,
                null,
                null,
                "stream",
                "roles",
                ApiKeys.parse("keys", List.of(key + " operator live/*"), problems::add),
                settings.clockSkew(),
                false);
        assertThat(problems).isEmpty();
        AccessControl keyed = new AccessControl(withKeys, clock);
        AccessControl.Access bearer =
                keyed.authorize(request(Map.of(), Map.of("Authorization", List.of("Bearer " + key))), Role.OPERATOR);
        assertThat(bearer.role()).isEqualTo(Role.OPERATOR);
        assertThat(bearer.uriSuffix()).as("a key is never carried into URLs").isEmpty();
        assertThat(keyed.authorize(request(Map.of(), Map.of("x-api-key", List.of(key))), Role.OPERATOR)
                        .covers("live/a"))
                .isTrue();
        assertThat(status(() -> keyed.check(request(Map.of(), Map.of("X-Api-Key", List.of(key))), "other/a")))
                .isEqualTo(403);
        assertThat(status(() -> keyed.authorize(request(Map.of(), Map.of("X-Api-Key", List.of(key))), Role.ADMIN)))
                .isEqualTo(403);
        assertThat(status(() ->
                        keyed.authorize(request(Map.of(), Map.of("X-Api-Key", List.of(key + "x"))), Role.VIEWER)))
                .isEqualTo(403);
        assertThat(status(() -> keyed.authorize(request(Map.of("token", key), Map.of()), Role.VIEWER)))
                .as("not in the query")
                .isEqualTo(403);
        assertThatThrownBy(() -> keyed.authorize(
                        request(Map.of(), Map.of("Authorization", List.of("Bearer guessed-key-0123456789"))),
                        Role.VIEWER))
                .isInstanceOf(HttpError.class)
                .message()
                .doesNotContain("guessed");
        String token = tokens.mint(new Grant("live/cam", NOW + 60, null, null));
        assertThat(status(() -> keyed.authorize(
                        request(Map.of(), Map.of("Authorization", List.of("Bearer " + token))), Role.VIEWER)))
                .as("tokens still work beside keys")
                .isEqualTo(200);
    }

    @Test
    void metricsArePublicOnlyWhenSaidSo() {
        assertThat(access.metricsRole()).isEqualTo(Role.OPERATOR);
        AccessSettings open = AccessSettings.from(Settings.of(
                Map.of("access.required", "true", "access.token.secret", SECRET, "metrics.public", "true")));
        assertThat(new AccessControl(open).metricsRole()).isEqualTo(Role.PUBLIC);
    }

    @Test
    void aFarExpiryDoesNotOverflow() {
        String forever = tokens.mint(new Grant("live/cam", Long.MAX_VALUE, null, null));
        assertThat(status(() -> access.check(request(Map.of("token", forever), Map.of()), "live/cam")))
                .isEqualTo(200);
    }

    @Test
    void onlyAQueryCredentialIsCarriedOn() {
        String valid = tokens.mint(new Grant("live/cam", NOW + 60, null, null));
        assertThat(access.check(request(Map.of("token", valid), Map.of())).uriSuffix())
                .isEqualTo("?token=" + valid);
        assertThat(access.check(request(Map.of(), Map.of("Authorization", List.of("Bearer " + valid))))
                        .uriSuffix())
                .isEmpty();
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
        assertThatThrownBy(s::validate)
                .hasMessageContaining("access.required=true needs")
                .hasMessageContaining("access.api.keys.file");
        Settings shortSecret = Settings.of(Map.of("access.token.secret", "short"));
        AccessSettings.from(shortSecret);
        assertThatThrownBy(shortSecret::validate).hasMessageContaining("at least 32 bytes");
        Settings badKey = Settings.of(
                Map.of("access.jwt.rs256.public.key", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"));
        AccessSettings.from(badKey);
        assertThatThrownBy(badKey::validate).hasMessageContaining("not an RSA public key");
    }

    @Test
    void secretsStayOutOfToString() {
        assertThat(AccessSettings.from(Settings.of(Map.of("access.token.secret", SECRET)))
                        .toString())
                .doesNotContain(SECRET);
    }
}
