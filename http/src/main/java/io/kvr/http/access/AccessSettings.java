package io.kvr.http.access;

import io.kvr.runtime.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;

/**
 * Access control keys (shared by every app with an HTTP server, like {@code s3.*}):
 * <ul>
 *   <li>{@code access.required} — {@code true} to require a credential with the route's {@link Role} on every
 *       route but the public ones (default {@code false}: everything is open);
 *   <li>{@code access.token.secret} — HMAC-SHA256 secret of {@link SignedToken}s, ≥ 32 bytes;
 *   <li>{@code access.jwt.hs256.secret} — shared secret of HS256 JWTs, ≥ 32 bytes;
 *   <li>{@code access.jwt.rs256.public.key} — RSA public key of RS256 JWTs: PEM text or a PEM file's path;
 *   <li>{@code access.jwt.issuer}, {@code access.jwt.audience} — required {@code iss}/{@code aud} when set;
 *   <li>{@code access.jwt.stream.claim} — the claim naming the stream (default {@code stream});
 *   <li>{@code access.jwt.roles.claim} — the claim naming the roles (default {@code roles});
 *   <li>{@code access.api.keys.file} — static API keys, one {@code KEY ROLE [STREAMS]} per line ({@link ApiKeys});
 *   <li>{@code access.clock.skew} — tolerated clock difference for expiry (default 30s);
 *   <li>{@code metrics.public} — {@code true} to serve {@code /metrics} without a credential (default
 *       {@code false}: it needs an operator's).
 * </ul>
 * With {@code access.required=true} at least one of the secrets, the key or the API keys file must be set.
 */
public record AccessSettings(
        boolean required,
        String tokenSecret,
        String jwtHs256Secret,
        RSAPublicKey jwtRs256Key,
        String jwtIssuer,
        String jwtAudience,
        String jwtStreamClaim,
        String jwtRolesClaim,
        ApiKeys apiKeys,
        Duration clockSkew,
        boolean metricsPublic) {
    public static AccessSettings from(Settings s) {
        boolean required = s.bool("access.required", false);
        String token = blankToNull(s.string("access.token.secret", ""));
        String hs = blankToNull(s.string("access.jwt.hs256.secret", ""));
        String rsText = blankToNull(s.string("access.jwt.rs256.public.key", ""));
        RSAPublicKey rs = null;
        if (rsText != null) {
            try {
                rs = rsaPublicKey(rsText);
            } catch (IllegalArgumentException e) {
                s.problem("access.jwt.rs256.public.key: " + e.getMessage());
            }
        }
        if (token != null && token.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
            s.problem("access.token.secret must be at least 32 bytes");
        }
        if (hs != null && hs.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
            s.problem("access.jwt.hs256.secret must be at least 32 bytes");
        }
        String keysFile = blankToNull(s.string("access.api.keys.file", ""));
        ApiKeys keys = keysFile == null ? ApiKeys.NONE : ApiKeys.load(Path.of(keysFile), s::problem);
        if (required && token == null && hs == null && rsText == null && keysFile == null) {
            s.problem("access.required=true needs access.token.secret, access.jwt.hs256.secret, "
                    + "access.jwt.rs256.public.key or access.api.keys.file");
        }
        return new AccessSettings(
                required,
                token,
                hs,
                rs,
                blankToNull(s.string("access.jwt.issuer", "")),
                blankToNull(s.string("access.jwt.audience", "")),
                s.string("access.jwt.stream.claim", "stream").trim(),
                s.string("access.jwt.roles.claim", "roles").trim(),
                keys,
                s.duration("access.clock.skew", Duration.ofSeconds(30)),
                s.bool("metrics.public", false));
    }

    /** Access control off: every request is granted everything. */
    public static AccessSettings off() {
        return new AccessSettings(
                false, null, null, null, null, null, "stream", "roles", ApiKeys.NONE, Duration.ofSeconds(30), false);
    }

    /** An RSA public key from PEM ({@code -----BEGIN PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo) or a PEM file. */
    static RSAPublicKey rsaPublicKey(String pemOrPath) {
        String pem = pemOrPath;
        if (!pem.contains("-----BEGIN")) {
            try {
                pem = Files.readString(Path.of(pemOrPath));
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("neither PEM text nor a readable PEM file");
            }
        }
        if (!pem.contains("-----BEGIN PUBLIC KEY-----")) {
            throw new IllegalArgumentException("expected a PEM 'PUBLIC KEY' (X.509 SubjectPublicKeyInfo)");
        }
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new IllegalArgumentException("not an RSA public key");
        }
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }

    @Override
    public String toString() {
        return "AccessSettings[required=" + required + ", tokenSecret=" + (tokenSecret == null ? "unset" : "******")
                + ", jwtHs256Secret=" + (jwtHs256Secret == null ? "unset" : "******")
                + ", jwtRs256Key=" + (jwtRs256Key == null ? "unset" : "set") + ", jwtIssuer=" + jwtIssuer
                + ", jwtAudience=" + jwtAudience + ", jwtStreamClaim=" + jwtStreamClaim + ", jwtRolesClaim="
                + jwtRolesClaim
                + ", apiKeys=" + apiKeys.size() + ", clockSkew=" + clockSkew + ", metricsPublic=" + metricsPublic + "]";
    }
}
