package io.kvr.http.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignedTokenTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private final SignedToken tokens = new SignedToken(SECRET);

    @Test
    void aMintedTokenVerifiesToItsGrant() {
        Grant g = new Grant("live/door", 1_763_809_200L, null, null);
        String token = tokens.mint(g);
        assertThat(token).startsWith("k1.").matches("[A-Za-z0-9._-]+");
        assertThat(tokens.verify(token)).isEqualTo(g);
        Grant ranged = new Grant("live/*", 1_763_809_200L, 1_763_798_400_000L, 1_763_802_000_000L);
        assertThat(tokens.verify(tokens.mint(ranged))).isEqualTo(ranged);
    }

    @Test
    void thePayloadIsTheDocumentedText() {
        String token = tokens.mint(new Grant("live/door", 1_763_809_200L, null, null));
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        assertThat(payload).isEqualTo("live/door|1763809200");
    }

    @Test
    void aRoleRoundTripsAndATokenWithoutOneIsAViewers() throws Exception {
        for (Role role : List.of(Role.VIEWER, Role.OPERATOR, Role.ADMIN)) {
            Grant g = new Grant("live/*", 1_763_809_200L, null, null, role);
            assertThat(tokens.verify(tokens.mint(g))).isEqualTo(g);
            Grant ranged = new Grant("*", 1_763_809_200L, 1000L, 2000L, role);
            assertThat(tokens.verify(tokens.mint(ranged))).isEqualTo(ranged);
        }
        String admin = tokens.mint(new Grant("*", 1_763_809_200L, 1000L, 2000L, Role.ADMIN));
        assertThat(payload(admin)).isEqualTo("*|1763809200|1000|2000|admin");
        assertThat(payload(tokens.mint(new Grant("live/door", 1_763_809_200L, null, null, Role.OPERATOR))))
                .isEqualTo("live/door|1763809200|operator");
        // minted before roles existed: no role field
        assertThat(tokens.verify(signed("live/door|1763809200")).role()).isEqualTo(Role.VIEWER);
        assertThat(tokens.verify(signed("live/door|1763809200|1000|2000")).role())
                .isEqualTo(Role.VIEWER);
    }

    @Test
    void aPublishersTokenSplitsIntoAUserNameAndTheServerDerivedPassword() {
        Grant g = new Grant("live/*", 1_763_809_200L, null, null, Role.PUBLISHER);
        String token = tokens.mint(g);
        assertThat(payload(token)).isEqualTo("live/*|1763809200|publisher");
        int dot = token.lastIndexOf('.');
        assertThat(tokens.password(token.substring(0, dot))).isEqualTo(token.substring(dot + 1));
        assertThat(tokens.verify(token.substring(0, dot) + "." + tokens.password(token.substring(0, dot))))
                .isEqualTo(g);
    }

    @Test
    void anUnknownRoleOrAGrantATokenCannotCarryIsRefused() throws Exception {
        assertThatThrownBy(() -> tokens.verify(signed("live/door|1763809200|root")))
                .isInstanceOf(InvalidCredentialException.class)
                .hasMessageContaining("payload");
        assertThatThrownBy(() -> tokens.verify(signed("live/door|1763809200|1000|2000|viewer|x")))
                .isInstanceOf(InvalidCredentialException.class);
        assertThatThrownBy(() -> tokens.mint(new Grant(List.of("live/a", "live/b"), 1, null, null, Role.VIEWER)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.mint(Grant.NONE)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String payload(String token) {
        return new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
    }

    /** A genuine token over any payload, as another minter (or an older one) would make it. */
    private static String signed(String payload) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signed = "k1." + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return signed + "." + b64.encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void anotherSecretsTokenIsRefused() {
        String token = new SignedToken("another-secret-of-at-least-32-bytes!")
                .mint(new Grant("live/door", 2_000_000_000L, null, null));
        assertThatThrownBy(() -> tokens.verify(token))
                .isInstanceOf(InvalidCredentialException.class)
                .hasMessageContaining("signature");
    }

    @Test
    void aChangedGrantIsRefused() {
        String token = tokens.mint(new Grant("live/door", 1_763_809_200L, null, null));
        String[] p = token.split("\\.");
        String longer = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("live/door|2763809200".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> tokens.verify(p[0] + "." + longer + "." + p[2]))
                .isInstanceOf(InvalidCredentialException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "k1.",
                "k1..",
                "k1.abc",
                "k1.abc.",
                "k1.!!!.abc",
                "k1.abc.!!!",
                "eyJhbGciOi.x.y",
                "k2.abc.def"
            })
    void malformedTokensAreRefused(String token) {
        assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(InvalidCredentialException.class);
    }

    @Test
    void shortSecretsAreRefused() {
        assertThatThrownBy(() -> new SignedToken("short")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void grantsCoverStreamsAndRanges() {
        assertThat(new Grant("live/door", 1, null, null).coversStream("live/door"))
                .isTrue();
        assertThat(new Grant("live/door", 1, null, null).coversStream("live/doorbell"))
                .isFalse();
        assertThat(new Grant("live/*", 1, null, null).coversStream("live/doorbell"))
                .isTrue();
        assertThat(new Grant("live/*", 1, null, null).coversStream("liver/door"))
                .isFalse();
        assertThat(new Grant("*", 1, null, null).coversStream("any/thing")).isTrue();
        Grant r = new Grant("*", 1, 1000L, 2000L);
        assertThat(r.coversRange(1000, 2000)).isTrue();
        assertThat(r.coversRange(999, 2000)).isFalse();
        assertThat(r.coversRange(1000, 2001)).isFalse();
        assertThat(r.overlaps(1999, 5000)).isTrue();
        assertThat(r.overlaps(2000, 5000)).isFalse();
        assertThatThrownBy(() -> new Grant("*", 1, 2000L, 1000L)).isInstanceOf(IllegalArgumentException.class);
    }
}
