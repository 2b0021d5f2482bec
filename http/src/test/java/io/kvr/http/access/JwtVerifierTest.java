package io.kvr.http.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JwtVerifierTest {
    private static final String HS = "jwt-hs256-secret-0123456789-abcdefghijkl";
    private static final long EXP = System.currentTimeMillis() / 1000 + 3600;

    private static JWTClaimsSet claims(String stream, long exp) {
        return new JWTClaimsSet.Builder()
                .claim("stream", stream)
                .expirationTime(new Date(exp * 1000))
                .build();
    }

    private static String hs256(JWTClaimsSet claims, String secret) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    @Test
    void hs256AndRs256JwtsGiveTheirGrant() throws Exception {
        KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        JwtVerifier v = new JwtVerifier(HS, (RSAPublicKey) rsa.getPublic(), null, null, "stream", 30);
        assertThat(v.verify(hs256(claims("live/cam", EXP), HS))).isEqualTo(new Grant("live/cam", EXP, null, null));
        SignedJWT rs = new SignedJWT(
                new JWSHeader(JWSAlgorithm.RS256),
                new JWTClaimsSet.Builder()
                        .claim("stream", "live/*")
                        .claim("start_time", 1000L)
                        .claim("end_time", 2000L)
                        .expirationTime(new Date(EXP * 1000))
                        .build());
        rs.sign(new RSASSASigner(rsa.getPrivate()));
        assertThat(v.verify(rs.serialize())).isEqualTo(new Grant("live/*", EXP, 1000L, 2000L));
    }

    @Test
    void theHighestKnownRoleOfTheRolesClaimCounts() throws Exception {
        JwtVerifier v = new JwtVerifier(HS, null, null, null, "stream", 30);
        Map<Object, Role> cases = new LinkedHashMap<>();
        cases.put(List.of("viewer", "operator"), Role.OPERATOR);
        cases.put(List.of("admin", "viewer"), Role.ADMIN);
        cases.put("operator", Role.OPERATOR);
        cases.put("ADMIN", Role.ADMIN);
        cases.put(List.of("root", "auditor"), Role.VIEWER);
        cases.put(List.of(), Role.VIEWER);
        cases.put(List.of(7, "operator"), Role.OPERATOR);
        cases.put("superuser", Role.VIEWER);
        for (var c : cases.entrySet()) {
            JWTClaimsSet claims = new JWTClaimsSet.Builder(claims("live/cam", EXP))
                    .claim("roles", c.getKey())
                    .build();
            assertThat(v.verify(hs256(claims, HS)).role())
                    .as("roles %s", c.getKey())
                    .isEqualTo(c.getValue());
        }
        assertThat(v.verify(hs256(claims("live/cam", EXP), HS)).role())
                .as("no roles claim")
                .isEqualTo(Role.VIEWER);
        JwtVerifier custom = new JwtVerifier(HS, null, null, null, "stream", "kvr_roles", 30);
        JWTClaimsSet both = new JWTClaimsSet.Builder(claims("live/cam", EXP))
                .claim("kvr_roles", List.of("admin"))
                .claim("roles", List.of("viewer"))
                .build();
        assertThat(custom.verify(hs256(both, HS)).role()).isEqualTo(Role.ADMIN);
        assertThat(v.verify(hs256(both, HS)).role()).isEqualTo(Role.VIEWER);
    }

    @Test
    void unsignedWronglySignedExpiredAndIncompleteJwtsAreRefused() throws Exception {
        JwtVerifier v = new JwtVerifier(HS, null, "https://idp.example", null, "stream", 30);
        JWTClaimsSet good = new JWTClaimsSet.Builder(claims("live/cam", EXP))
                .issuer("https://idp.example")
                .build();
        assertThat(v.verify(hs256(good, HS)).stream()).isEqualTo("live/cam");
        String none = new PlainJWT(new PlainHeader(), good).serialize();
        assertThatThrownBy(() -> v.verify(none)).isInstanceOf(InvalidCredentialException.class);
        assertThatThrownBy(() -> v.verify(hs256(good, HS + "x"))).isInstanceOf(InvalidCredentialException.class);
        JWTClaimsSet expired = new JWTClaimsSet.Builder(good)
                .expirationTime(new Date((EXP - 7200) * 1000))
                .build();
        assertThatThrownBy(() -> v.verify(hs256(expired, HS)))
                .isInstanceOf(InvalidCredentialException.class)
                .hasMessageContaining("Expired");
        JWTClaimsSet noStream =
                new JWTClaimsSet.Builder(good).claim("stream", null).build();
        assertThatThrownBy(() -> v.verify(hs256(noStream, HS))).isInstanceOf(InvalidCredentialException.class);
        JWTClaimsSet otherIssuer =
                new JWTClaimsSet.Builder(good).issuer("https://evil.example").build();
        assertThatThrownBy(() -> v.verify(hs256(otherIssuer, HS))).isInstanceOf(InvalidCredentialException.class);
        assertThatThrownBy(() -> v.verify("not.a.jwt")).isInstanceOf(InvalidCredentialException.class);
    }

    @Test
    void anRs256OnlyVerifierRefusesHs256SignedWithThePublicKey() throws Exception {
        KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        JwtVerifier v = new JwtVerifier(null, (RSAPublicKey) rsa.getPublic(), null, null, "stream", 30);
        // the classic key-confusion attack: HMAC keyed with the (public) RSA key bytes
        SignedJWT forged = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims("live/cam", EXP));
        forged.sign(new MACSigner(rsa.getPublic().getEncoded()));
        assertThatThrownBy(() -> v.verify(forged.serialize())).isInstanceOf(InvalidCredentialException.class);
    }
}
