package io.kvr.http.access;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies bearer JWTs (compact JWS) signed with HS256 (shared secret) and/or RS256 (RSA public key) — only
 * the algorithms configured, so {@code alg: none} and HS/RS key confusion are refused. Claims: {@code exp}
 * (required), {@code stream} (required, {@code app/stream}, {@code app/*} or {@code *}; the claim name is
 * configurable), optional {@code start_time}/{@code end_time} (unix ms) limiting the time range, optional
 * {@code roles} (an array or a single string, the claim name configurable: the highest of {@code viewer},
 * {@code operator}, {@code admin} counts, then {@code publisher}, other names are ignored, none means
 * {@code viewer}), and
 * {@code iss}/{@code aud} when configured.
 */
public final class JwtVerifier {
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final String streamClaim;
    private final String rolesClaim;

    public JwtVerifier(
            String hs256Secret,
            RSAPublicKey rs256Key,
            String issuer,
            String audience,
            String streamClaim,
            int clockSkewSec) {
        this(hs256Secret, rs256Key, issuer, audience, streamClaim, "roles", clockSkewSec);
    }

    public JwtVerifier(
            String hs256Secret,
            RSAPublicKey rs256Key,
            String issuer,
            String audience,
            String streamClaim,
            String rolesClaim,
            int clockSkewSec) {
        List<JWK> keys = new ArrayList<>();
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        if (hs256Secret != null) {
            byte[] secret = hs256Secret.getBytes(StandardCharsets.UTF_8);
            if (secret.length < 32) {
                throw new IllegalArgumentException("the HS256 secret must be at least 32 bytes");
            }
            keys.add(new OctetSequenceKey.Builder(secret).build());
            algorithms.add(JWSAlgorithm.HS256);
        }
        if (rs256Key != null) {
            keys.add(new RSAKey.Builder(rs256Key).build());
            algorithms.add(JWSAlgorithm.RS256);
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a JWT verifier needs an HS256 secret or an RS256 public key");
        }
        this.streamClaim = streamClaim;
        this.rolesClaim = rolesClaim;
        processor.setJWSKeySelector(
                new JWSVerificationKeySelector<>(algorithms, new ImmutableJWKSet<>(new JWKSet(keys))));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (issuer != null) {
            exact.issuer(issuer);
        }
        Set<String> required = new HashSet<>(Set.of("exp", streamClaim));
        var claims = new DefaultJWTClaimsVerifier<SecurityContext>(audience, exact.build(), required);
        claims.setMaxClockSkew(clockSkewSec);
        processor.setJWTClaimsSetVerifier(claims);
    }

    /**
     * The grant of a genuine, unexpired JWT.
     *
     * @throws InvalidCredentialException with the reason it was refused
     */
    public Grant verify(String jwt) {
        if (jwt.length() > 8192) {
            throw new InvalidCredentialException("JWT too long");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(jwt, null);
        } catch (ParseException e) {
            throw new InvalidCredentialException("malformed JWT");
        } catch (BadJOSEException e) {
            throw new InvalidCredentialException("JWT rejected: " + e.getMessage());
        } catch (JOSEException e) {
            throw new InvalidCredentialException("JWT not verifiable: " + e.getMessage());
        }
        try {
            String stream = claims.getStringClaim(streamClaim);
            Long start = claims.getLongClaim("start_time");
            Long end = claims.getLongClaim("end_time");
            return new Grant(
                    stream, claims.getExpirationTime().getTime() / 1000, start, end, role(claims.getClaim(rolesClaim)));
        } catch (ParseException | IllegalArgumentException e) {
            throw new InvalidCredentialException("JWT claims unusable: " + e.getMessage());
        }
    }

    /** The highest known role the claim names (a string or an array of them); viewer when it names none. */
    private static Role role(Object claim) {
        List<?> names = claim instanceof List<?> list ? list : claim == null ? List.of() : List.of(claim);
        Role highest = null;
        for (Object name : names) {
            if (name instanceof String s) {
                Role r = Role.ofCredential(s).orElse(Role.VIEWER);
                if (highest == null || r.compareTo(highest) > 0) {
                    highest = r;
                }
            }
        }
        return highest == null ? Role.VIEWER : highest;
    }
}
