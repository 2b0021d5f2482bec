package io.kvr.http.access;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * kvr's compact signed token, for {@code ?token=} or {@code Authorization: Bearer}:
 * <pre>
 *   k1.{base64url(payload)}.{base64url(HMAC-SHA256(secret, "k1." + base64url(payload)))}
 *   payload = {stream} "|" {expiry, unix seconds} [ "|" {range start, unix ms} "|" {range end, unix ms} ]
 *             [ "|" {role: operator or admin} ]
 * </pre>
 * e.g. {@code live/door|1763809200}, {@code live/*|1763809200|1763798400000|1763802000000} or
 * {@code *|1763809200|admin}; {@code publisher} tokens push streams to the RTSP server, where the token is
 * also a Digest credential: the user name is the token up to its last dot, the password what follows it
 * ({@link #password}). Without a role the token is a viewer's: tokens minted before roles existed keep
 * working, and a viewer's token is minted without one, so older servers read it too. Base64url is without
 * padding, so a token is URL-safe as it is. The MAC covers the encoded payload exactly as sent (nothing to
 * canonicalise) and is compared in constant time. A token names one stream pattern.
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

    /** A token for {@code grant}, which names one stream pattern and a viewer, operator, admin or publisher role. */
    public String mint(Grant grant) {
        if (grant.streams().size() != 1) {
            throw new IllegalArgumentException("a token names exactly one stream pattern");
        }
        if (grant.role() == Role.PUBLIC) {
            throw new IllegalArgumentException("a token's role is viewer, operator, admin or publisher");
        }
        StringBuilder payload = new StringBuilder(grant.stream()).append('|').append(grant.expiresAtSec());
        if (grant.hasRange()) {
            payload.append('|').append(grant.rangeStartMs()).append('|').append(grant.rangeEndMs());
        }
        if (grant.role() != Role.VIEWER) {
            payload.append('|').append(grant.role().wireName());
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
            // an odd field count ends with a role; an even one is a viewer's token
            Role role = f.length % 2 == 1
                    ? Role.ofCredential(f[f.length - 1]).orElseThrow(() -> new IllegalArgumentException("unknown role"))
                    : Role.VIEWER;
            if (f.length == 2 || f.length == 3) {
                return new Grant(f[0], Long.parseLong(f[1]), null, null, role);
            }
            if (f.length == 4 || f.length == 5) {
                return new Grant(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), role);
            }
        } catch (IllegalArgumentException e) {
            // a genuine signature over a payload we cannot read: minted by something else, refuse it
        }
        throw new InvalidCredentialException("malformed token payload");
    }

    /**
     * The signature part of the token whose part before the last dot is {@code signed}: what a holder of the token
     * gives as the password when its user name is {@code signed} (RTSP Digest needs the password on the server,
     * and this one the server derives). Check the grant with {@link #verify} on {@code signed + "." + password}.
     */
    public String password(String signed) {
        return B64.encodeToString(mac(signed));
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
