package io.kvr.runtime.access;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * kvr's compact signed token, for {@code ?token=} on viewer URLs:
 * <pre>
 *   k1.{base64url(payload)}.{base64url(HMAC-SHA256(secret, "k1." + base64url(payload)))}
 *   payload = {stream} "|" {expiry, unix seconds} [ "|" {range start, unix ms} "|" {range end, unix ms} ]
 * </pre>
 * e.g. {@code live/door|1763809200} or {@code live/*|1763809200|1763798400000|1763802000000}. Base64url is
 * without padding, so a token is URL-safe as it is. The MAC covers the encoded payload exactly as sent (nothing
 * to canonicalise) and is compared in constant time.
 */
public final class SignedToken {
    public static final String PREFIX = "k1.";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final int MAX_LENGTH = 1024;

    private final SecretKeySpec key;

    /** {@code secret}: at least 32 bytes (UTF-8), shared by whoever mints tokens and the servers that check them. */
    public SignedToken(String secret) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < 32) {
            throw new IllegalArgumentException("the token secret must be at least 32 bytes");
        }
        this.key = new SecretKeySpec(bytes, "HmacSHA256");
    }

    public static boolean looksLikeOne(String credential) {
        return credential.startsWith(PREFIX);
    }

    public String mint(Grant grant) {
        StringBuilder payload = new StringBuilder(grant.stream()).append('|').append(grant.expiresAtSec());
        if (grant.hasRange()) {
            payload.append('|').append(grant.rangeStartMs()).append('|').append(grant.rangeEndMs());
        }
        String signed = PREFIX + B64.encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
        return signed + "." + B64.encodeToString(mac(signed));
    }

    /**
     * The grant of a genuine token, expiry not yet checked.
     *
     * @throws InvalidCredentialException when the token is malformed or its signature does not match
     */
    public Grant verify(String token) {
        if (token.length() > MAX_LENGTH || !looksLikeOne(token)) {
            throw new InvalidCredentialException("malformed token");
        }
        int dot = token.lastIndexOf('.');
        if (dot <= PREFIX.length()) {
            throw new InvalidCredentialException("malformed token");
        }
        String signed = token.substring(0, dot);
        byte[] given;
        byte[] payload;
        try {
            given = B64D.decode(token.substring(dot + 1));
            payload = B64D.decode(signed.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new InvalidCredentialException("malformed token");
        }
        if (!MessageDigest.isEqual(mac(signed), given)) {
            throw new InvalidCredentialException("token signature does not match");
        }
        String[] f = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
        try {
            if (f.length == 2) {
                return new Grant(f[0], Long.parseLong(f[1]), null, null);
            }
            if (f.length == 4) {
                return new Grant(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
            }
        } catch (IllegalArgumentException e) {
            // a genuine signature over a payload we cannot read: minted by something else, refuse it
        }
        throw new InvalidCredentialException("malformed token payload");
    }

    private byte[] mac(String signed) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
