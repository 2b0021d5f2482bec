package io.kvr.bridge.rtspserver;

import io.kvr.http.access.AccessSettings;
import io.kvr.http.access.ApiKeys;
import io.kvr.http.access.Grant;
import io.kvr.http.access.InvalidCredentialException;
import io.kvr.http.access.JwtVerifier;
import io.kvr.http.access.Role;
import io.kvr.http.access.SignedToken;
import io.kvr.runtime.stream.StreamName;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may publish which stream: checks the {@code Authorization} header of an ANNOUNCE (RFC 7826 19.1, RFC 2326
 * 12.5) against kvr's credentials, with the publisher {@link Role}, covering the stream as a viewer's grant covers
 * it ({@code live/*} may push {@code live/door}).
 *
 * <p>Schemes, challenged in this order (RFC 7616 3.7: the preferred first): Digest with SHA-256, Digest with MD5
 * (RFC 7616, qop {@code auth} or none, as RFC 2069 clients send), Basic (RFC 7617). Which credential answers:
 * <ul>
 *   <li>a {@link SignedToken}: user name the token up to its last dot ({@code k1.PAYLOAD}), password the rest;
 *       Digest works because the server derives that password from the user name and its secret;
 *   <li>an API key given in clear in the keys file: any user name, password the key (Digest and Basic); a
 *       {@code sha256:} key with Basic only, as the server cannot compute a Digest without the key;
 *   <li>a JWT: Basic only, any user name, password the JWT.
 * </ul>
 *
 * <p>Nonces are made here: issue time, random bytes and an HMAC of both under a per-process secret, so none is
 * stored until used; a nonce lives {@link #NONCE_LIFETIME}. Replays are refused: a nonce with {@code qop=auth}
 * takes each nonce count once and in increasing order, one without qop is used once. The nonces in use are held
 * in a table of at most {@link #MAX_NONCES_IN_USE}; when it is full the oldest leaves and every nonce issued no
 * later is from then on stale, so memory is bounded without letting an evicted nonce be replayed.
 *
 * <p>Answers: 401 with the challenges for a missing, wrong or unknown credential (which part was wrong is not
 * said), with {@code stale=true} when only the nonce is old or used; 400 for an {@code Authorization} header that
 * does not parse; 403 for a genuine credential without the publisher role or for another stream. With access
 * control off, {@code publish.open} decides: open, or 401 for everyone with a reason saying what to set.
 * Thread-safe: one instance serves every connection.
 */
final class PublishAuthentication {
    static final String REALM = "kvr";
    static final Duration NONCE_LIFETIME = Duration.ofMinutes(2);
    static final int MAX_NONCES_IN_USE = 4096;
    /** Longest Authorization header read: a signed token or JWT with a Digest's parameters fit well. */
    static final int MAX_HEADER_LENGTH = 8192;

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final int NONCE_BYTES = 32; // 8 issue time, 8 random, 16 HMAC

    /** What to answer to the ANNOUNCE. */
    sealed interface Decision {}

    /** Publish; {@code who} describes the credential for logs, without any secret. */
    record Allowed(String who) implements Decision {}

    /**
     * Refuse with {@code status} (401, 400 or 403) and {@code reason} (safe to show); {@code challenges} are the
     * {@code WWW-Authenticate} values to send, in order (RFC 7235 4.1: one header each).
     */
    record Refused(int status, String reason, List<String> challenges) implements Decision {
        Refused {
            challenges = List.copyOf(challenges);
        }
    }

    private final boolean required;
    private final boolean publishOpen;
    private final SignedToken tokens;
    private final JwtVerifier jwts;
    private final ApiKeys apiKeys;
    private final long skewSec;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final SecretKeySpec nonceKey;
    private final NoncesInUse inUse = new NoncesInUse();

    PublishAuthentication(AccessSettings access, boolean publishOpen, Clock clock) {
        this(access, publishOpen, clock, randomSecret());
    }

    PublishAuthentication(AccessSettings access, boolean publishOpen, Clock clock, byte[] nonceSecret) {
        this.required = access.required();
        this.publishOpen = publishOpen;
        this.tokens = access.tokenSecret() == null ? null : new SignedToken(access.tokenSecret());
        this.jwts = access.jwtHs256Secret() == null && access.jwtRs256Key() == null
                ? null
                : new JwtVerifier(
                        access.jwtHs256Secret(),
                        access.jwtRs256Key(),
                        access.jwtIssuer(),
                        access.jwtAudience(),
                        access.jwtStreamClaim(),
                        access.jwtRolesClaim(),
                        (int) access.clockSkew().toSeconds());
        this.apiKeys = access.apiKeys();
        this.skewSec = access.clockSkew().toSeconds();
        this.clock = clock;
        this.nonceKey = new SecretKeySpec(nonceSecret, "HmacSHA256");
    }

    private static byte[] randomSecret() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    /**
     * May the sender of {@code method requestUri} with this {@code authorization} header (or null) publish
     * {@code stream}? Never throws on anything a client sends.
     */
    Decision check(String method, String requestUri, String authorization, StreamName stream) {
        if (!required) {
            return publishOpen
                    ? new Allowed("anyone (publish.open)")
                    : new Refused(
                            401, "publishing is closed: set publish.open=true or turn on access control", List.of());
        }
        if (authorization == null || authorization.isBlank()) {
            return challenge("credentials required", false);
        }
        if (authorization.length() > MAX_HEADER_LENGTH) {
            return new Refused(400, "Authorization header too long", List.of());
        }
        String header = authorization.strip();
        int space = header.indexOf(' ');
        String scheme = space < 0 ? header : header.substring(0, space);
        String rest = space < 0 ? "" : header.substring(space + 1).strip();
        Checked checked;
        try {
            if (scheme.equalsIgnoreCase("Digest")) {
                checked = digest(method, requestUri, rest);
            } else if (scheme.equalsIgnoreCase("Basic")) {
                checked = basic(rest);
            } else {
                return challenge("use Digest or Basic authentication", false);
            }
        } catch (MalformedHeader e) {
            return new Refused(400, "Authorization header: " + e.getMessage(), List.of());
        }
        return switch (checked) {
            case Checked.Wrong w -> challenge("wrong credentials", false);
            case Checked.Stale s -> challenge("nonce stale", true);
            case Checked.Right r -> authorize(r, stream);
        };
    }

    private Decision authorize(Checked.Right right, StreamName stream) {
        Grant grant = right.grant();
        if (clock.millis() / 1000 - skewSec > grant.expiresAtSec()) {
            return challenge("wrong credentials", false); // an expired credential is no credential
        }
        if (!grant.role().includes(Role.PUBLISHER) || !grant.coversStream(stream.toString())) {
            return new Refused(403, "this credential may not publish " + stream, List.of());
        }
        return new Allowed(right.kind() + " for " + grant.stream());
    }

    private Refused challenge(String reason, boolean stale) {
        String nonce = newNonce();
        String common =
                "realm=\"" + REALM + "\", nonce=\"" + nonce + "\", qop=\"auth\"" + (stale ? ", stale=true" : "");
        return new Refused(
                401,
                reason,
                List.of(
                        "Digest " + common + ", algorithm=SHA-256",
                        "Digest " + common + ", algorithm=MD5",
                        "Basic realm=\"" + REALM + "\""));
    }

    /** The outcome of checking a credential, before the grant's rights. */
    private sealed interface Checked {
        record Wrong() implements Checked {}

        record Stale() implements Checked {}

        record Right(Grant grant, String kind) implements Checked {}
    }

    private static final Checked WRONG = new Checked.Wrong();

    // --- Basic (RFC 7617)

    private Checked basic(String encoded) {
        String pair;
        try {
            pair = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(Base64.getDecoder().decode(encoded)))
                    .toString();
        } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
            throw new MalformedHeader("Basic credentials are not base64 of UTF-8");
        }
        int colon = pair.indexOf(':');
        if (colon < 0) {
            throw new MalformedHeader("Basic credentials are not user:password");
        }
        String user = pair.substring(0, colon);
        String password = pair.substring(colon + 1);
        try {
            if (tokens != null && SignedToken.looksLikeOne(user)) {
                return new Checked.Right(tokens.verify(user + "." + password), "signed token");
            }
            Optional<Grant> key = apiKeys.isEmpty() ? Optional.empty() : apiKeys.match(password);
            if (key.isPresent()) {
                return new Checked.Right(key.get(), "API key");
            }
            if (tokens != null && SignedToken.looksLikeOne(password)) {
                return new Checked.Right(tokens.verify(password), "signed token");
            }
            if (jwts != null && password.indexOf('.') > 0) {
                return new Checked.Right(jwts.verify(password), "JWT");
            }
        } catch (InvalidCredentialException e) {
            return WRONG;
        }
        return WRONG;
    }

    // --- Digest (RFC 7616)

    private Checked digest(String method, String requestUri, String params) {
        Map<String, String> p = DigestParams.parse(params);
        String username = required(p, "username");
        String realm = required(p, "realm");
        String nonce = required(p, "nonce");
        String uri = required(p, "uri");
        String response = required(p, "response").toLowerCase(Locale.ROOT);
        String algorithm = p.getOrDefault("algorithm", "MD5");
        String qop = p.get("qop");
        String nc = p.get("nc");
        String cnonce = p.get("cnonce");
        if (qop != null) {
            if (!qop.equalsIgnoreCase("auth")) {
                return WRONG; // auth-int was not offered
            }
            if (nc == null || cnonce == null || !nc.matches("[0-9a-fA-F]{8}")) {
                throw new MalformedHeader("qop=auth needs nc (8 hex digits) and cnonce");
            }
        }
        // RFC 7616 3.4.6: the uri parameter names the request's resource
        if (!samePath(uri, requestUri)) {
            throw new MalformedHeader("the Digest uri is not the request's");
        }
        String hash = switch (algorithm.toUpperCase(Locale.ROOT)) {
            case "MD5" -> "MD5";
            case "SHA-256" -> "SHA-256";
            default -> null;
        };
        if (hash == null || !REALM.equals(realm) || "true".equalsIgnoreCase(p.get("userhash"))) {
            return WRONG;
        }
        Nonce issued = Nonce.read(nonce, this::nonceMac);
        if (issued == null) {
            return WRONG;
        }
        DigestInput in = new DigestInput(hash, username, REALM, method, uri, nonce, qop, nc, cnonce);
        Checked who = digestCredential(in, response);
        if (!(who instanceof Checked.Right)) {
            return who;
        }
        // RFC 7616 3.3: stale only when the response is right for an old or used nonce
        if (clock.millis() - issued.issuedAtMs() > NONCE_LIFETIME.toMillis()
                || !inUse.use(nonce, issued.issuedAtMs(), nc == null ? -1 : Long.parseLong(nc, 16), clock.millis())) {
            return new Checked.Stale();
        }
        return who;
    }

    private Checked digestCredential(DigestInput in, String response) {
        byte[] given = response.getBytes(StandardCharsets.US_ASCII);
        if (tokens != null && SignedToken.looksLikeOne(in.username())) {
            String password = tokens.password(in.username());
            if (!MessageDigest.isEqual(given, digestResponse(in, password).getBytes(StandardCharsets.US_ASCII))) {
                return WRONG;
            }
            try {
                return new Checked.Right(tokens.verify(in.username() + "." + password), "signed token");
            } catch (InvalidCredentialException e) {
                return WRONG;
            }
        }
        return apiKeys.matchClear(key ->
                        MessageDigest.isEqual(given, digestResponse(in, key).getBytes(StandardCharsets.US_ASCII)))
                .<Checked>map(g -> new Checked.Right(g, "API key"))
                .orElse(WRONG);
    }

    /** What goes into a Digest response besides the password (RFC 7616 3.4.1). */
    record DigestInput(
            String hash,
            String username,
            String realm,
            String method,
            String uri,
            String nonce,
            String qop,
            String nc,
            String cnonce) {}

    /** RFC 7616 3.4.1: the response for {@code in} with {@code password}, lower-case hex. */
    static String digestResponse(DigestInput in, String password) {
        String ha1 = hex(in.hash(), in.username() + ":" + in.realm() + ":" + password);
        String ha2 = hex(in.hash(), in.method() + ":" + in.uri());
        return in.qop() == null
                ? hex(in.hash(), ha1 + ":" + in.nonce() + ":" + ha2)
                : hex(
                        in.hash(),
                        ha1 + ":" + in.nonce() + ":" + in.nc() + ":" + in.cnonce() + ":" + in.qop() + ":" + ha2);
    }

    private static String hex(String algorithm, String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " unavailable", e);
        }
    }

    private static String required(Map<String, String> p, String name) {
        String v = p.get(name);
        if (v == null) {
            throw new MalformedHeader("Digest without " + name);
        }
        return v;
    }

    /** The two URIs name the same path (a client may send the Digest uri absolute or as a path). */
    private static boolean samePath(String a, String b) {
        String pa = pathOf(a);
        return pa != null && pa.equals(pathOf(b));
    }

    private static String pathOf(String uri) {
        try {
            String path = new URI(uri).getRawPath();
            if (path == null) {
                return null;
            }
            return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    // --- nonces

    private String newNonce() {
        ByteBuffer b = ByteBuffer.allocate(NONCE_BYTES);
        b.putLong(clock.millis());
        byte[] r = new byte[8];
        random.nextBytes(r);
        b.put(r);
        b.put(nonceMac(b.array(), 16));
        return B64.encodeToString(b.array());
    }

    private byte[] nonceMac(byte[] bytes, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(nonceKey);
            mac.update(bytes, 0, length);
            byte[] full = mac.doFinal();
            byte[] out = new byte[16];
            System.arraycopy(full, 0, out, 0, 16);
            return out;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** A nonce this server made: its issue time. */
    private record Nonce(long issuedAtMs) {
        interface Mac {
            byte[] of(byte[] bytes, int length);
        }

        /** The nonce's issue time, or null when it is not one of ours. */
        static Nonce read(String text, Mac mac) {
            byte[] b;
            try {
                b = Base64.getUrlDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                return null;
            }
            if (b.length != NONCE_BYTES) {
                return null;
            }
            byte[] given = java.util.Arrays.copyOfRange(b, 16, NONCE_BYTES);
            if (!MessageDigest.isEqual(mac.of(b, 16), given)) {
                return null;
            }
            return new Nonce(ByteBuffer.wrap(b).getLong());
        }
    }

    /** Nonces used so far, bounded (see the class comment). */
    private static final class NoncesInUse {
        private record Use(long issuedAtMs, long lastCount) {}

        private final LinkedHashMap<String, Use> uses = new LinkedHashMap<>();
        private long staleUpToMs = Long.MIN_VALUE;

        /** Records a use with nonce count {@code count} (-1: no qop, single use); false for a replay. */
        synchronized boolean use(String nonce, long issuedAtMs, long count, long nowMs) {
            Use seen = uses.get(nonce);
            if (seen == null) {
                if (issuedAtMs <= staleUpToMs) {
                    return false;
                }
                evict(nowMs);
                uses.put(nonce, new Use(issuedAtMs, count < 0 ? Long.MAX_VALUE : count));
                return true;
            }
            if (count < 0 || count <= seen.lastCount()) {
                return false;
            }
            uses.put(nonce, new Use(issuedAtMs, count));
            return true;
        }

        private void evict(long nowMs) {
            Iterator<Use> it = uses.values().iterator();
            while (it.hasNext()) {
                Use eldest = it.next();
                boolean expired = nowMs - eldest.issuedAtMs() > NONCE_LIFETIME.toMillis();
                if (!expired && uses.size() < MAX_NONCES_IN_USE) {
                    return;
                }
                staleUpToMs = Math.max(staleUpToMs, eldest.issuedAtMs());
                it.remove();
            }
        }

        synchronized int size() {
            return uses.size();
        }
    }

    int noncesInUse() {
        return inUse.size();
    }

    /** The parameters of a Digest credential (RFC 7616 3.4, RFC 7235 2.1 auth-param): bounded, never throws else. */
    static final class DigestParams {
        private static final int MAX_PARAMS = 32;

        private DigestParams() {}

        static Map<String, String> parse(String s) {
            Map<String, String> out = new HashMap<>();
            int i = 0;
            int n = s.length();
            while (i < n) {
                while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == ',')) {
                    i++;
                }
                if (i >= n) {
                    break;
                }
                int start = i;
                while (i < n && isTokenChar(s.charAt(i))) {
                    i++;
                }
                if (i == start) {
                    throw new MalformedHeader("unexpected character in Digest parameters");
                }
                String name = s.substring(start, i).toLowerCase(Locale.ROOT);
                while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                    i++;
                }
                if (i >= n || s.charAt(i) != '=') {
                    throw new MalformedHeader("Digest parameter " + printable(name) + " without a value");
                }
                i++;
                while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                    i++;
                }
                String value;
                if (i < n && s.charAt(i) == '"') {
                    StringBuilder v = new StringBuilder();
                    i++;
                    while (i < n && s.charAt(i) != '"') {
                        char c = s.charAt(i);
                        if (c == '\\' && i + 1 < n) {
                            i++;
                            c = s.charAt(i);
                        }
                        v.append(c);
                        i++;
                    }
                    if (i >= n) {
                        throw new MalformedHeader("unterminated quoted string");
                    }
                    i++;
                    value = v.toString();
                } else {
                    int vs = i;
                    while (i < n && isTokenChar(s.charAt(i))) {
                        i++;
                    }
                    value = s.substring(vs, i);
                }
                if (out.put(name, value) != null) {
                    throw new MalformedHeader("Digest parameter " + printable(name) + " twice");
                }
                if (out.size() > MAX_PARAMS) {
                    throw new MalformedHeader("too many Digest parameters");
                }
                while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                    i++;
                }
                if (i < n && s.charAt(i) != ',') {
                    throw new MalformedHeader("Digest parameters must be separated by commas");
                }
            }
            return out;
        }

        /** RFC 7230 3.2.6 tchar. */
        private static boolean isTokenChar(char c) {
            return (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~/".indexOf(c) >= 0; // '/' too: token68 values such as base64 nonces
        }

        private static String printable(String name) {
            return name.length() > 32 ? name.substring(0, 32) : name;
        }
    }

    /** An Authorization header that does not parse: 400. */
    private static final class MalformedHeader extends RuntimeException {
        MalformedHeader(String reason) {
            super(reason, null, false, false);
        }
    }
}
