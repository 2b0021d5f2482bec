package io.kvr.bridge.rtspserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.bridge.rtspserver.PublishAuthentication.Allowed;
import io.kvr.bridge.rtspserver.PublishAuthentication.Decision;
import io.kvr.bridge.rtspserver.PublishAuthentication.DigestInput;
import io.kvr.bridge.rtspserver.PublishAuthentication.Refused;
import io.kvr.http.access.AccessSettings;
import io.kvr.http.access.ApiKeys;
import io.kvr.http.access.Grant;
import io.kvr.http.access.Role;
import io.kvr.http.access.SignedToken;
import io.kvr.runtime.stream.StreamName;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PublishAuthenticationTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef-publish";
    private static final String KEY = "cam-door-key-0123456789";
    private static final String HASHED_KEY = "another-key-0123456789";
    private static final String URL = "rtsp://127.0.0.1:8554/live/door";
    private static final StreamName DOOR = StreamName.parse("live/door");
    private static final Pattern NONCE = Pattern.compile("nonce=\"([^\"]+)\"");

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        long millis = 1_763_800_000_000L;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    private final TestClock clock = new TestClock();
    private final SignedToken tokens = new SignedToken(SECRET);
    private final PublishAuthentication auth = new PublishAuthentication(access(), false, clock);

    private static AccessSettings access() {
        ApiKeys keys = ApiKeys.parse(
                "keys",
                List.of(
                        KEY + " publisher live/*",
                        "sha256:" + java.util.HexFormat.of().formatHex(sha256(HASHED_KEY)) + " publisher live/*",
                        "viewer-key-0123456789 viewer live/*"),
                p -> {
                    throw new AssertionError(p);
                });
        AccessSettings off = AccessSettings.off();
        return new AccessSettings(
                true,
                SECRET,
                null,
                null,
                null,
                null,
                off.jwtStreamClaim(),
                off.jwtRolesClaim(),
                keys,
                off.clockSkew(),
                false);
    }

    private static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private String token(String stream, Role role) {
        return tokens.mint(new Grant(stream, clock.millis() / 1000 + 3600, null, null, role));
    }

    private static String user(String token) {
        return token.substring(0, token.lastIndexOf('.'));
    }

    private static String password(String token) {
        return token.substring(token.lastIndexOf('.') + 1);
    }

    private Decision check(String authorization) {
        return auth.check("ANNOUNCE", URL, authorization, DOOR);
    }

    /** A fresh nonce from a 401. */
    private String nonce() {
        Refused r = (Refused) check(null);
        Matcher m = NONCE.matcher(r.challenges().get(0));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static String digest(
            String algorithm, String user, String password, String nonce, String nc, String uri, String realm) {
        String cnonce = "0a4f113b";
        String response = PublishAuthentication.digestResponse(
                new DigestInput(
                        algorithm.equals("SHA-256") ? "SHA-256" : "MD5",
                        user,
                        realm,
                        "ANNOUNCE",
                        uri,
                        nonce,
                        nc == null ? null : "auth",
                        nc,
                        cnonce),
                password);
        return "Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce + "\", uri=\"" + uri
                + "\", response=\"" + response + "\", algorithm=" + algorithm
                + (nc == null ? "" : ", qop=auth, nc=" + nc + ", cnonce=\"" + cnonce + "\"");
    }

    private String digest(String algorithm, String user, String password, String nonce, String nc) {
        return digest(algorithm, user, password, nonce, nc, URL, "kvr");
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void rfc7616VectorsForMd5AndSha256() {
        // RFC 7616 3.9.1
        DigestInput md5 = new DigestInput(
                "MD5",
                "Mufasa",
                "http-auth@example.org",
                "GET",
                "/dir/index.html",
                "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
                "auth",
                "00000001",
                "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
        assertThat(PublishAuthentication.digestResponse(md5, "Circle of Life"))
                .isEqualTo("8ca523f5e9506fed4657c9700eebdbec");
        DigestInput sha = new DigestInput(
                "SHA-256",
                md5.username(),
                md5.realm(),
                md5.method(),
                md5.uri(),
                md5.nonce(),
                md5.qop(),
                md5.nc(),
                md5.cnonce());
        assertThat(PublishAuthentication.digestResponse(sha, "Circle of Life"))
                .isEqualTo("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
    }

    @Test
    void challengesOfferSha256ThenMd5ThenBasic() {
        Refused r = (Refused) check(null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.challenges()).hasSize(3);
        assertThat(r.challenges().get(0)).startsWith("Digest realm=\"kvr\"").endsWith("algorithm=SHA-256");
        assertThat(r.challenges().get(1)).startsWith("Digest realm=\"kvr\"").endsWith("algorithm=MD5");
        assertThat(r.challenges().get(2)).isEqualTo("Basic realm=\"kvr\"");
        assertThat(r.challenges().get(0)).contains("qop=\"auth\"");
    }

    @Test
    void digestWithASignedTokenOfThePublisherRole() {
        String t = token("live/*", Role.PUBLISHER);
        assertThat(check(digest("MD5", user(t), password(t), nonce(), "00000001")))
                .isEqualTo(new Allowed("signed token for live/*"));
        assertThat(check(digest("SHA-256", user(t), password(t), nonce(), "00000001")))
                .isInstanceOf(Allowed.class);
        // RFC 2069 style, no qop
        assertThat(check(digest("MD5", user(t), password(t), nonce(), null))).isInstanceOf(Allowed.class);
        // a path-only uri names the same resource
        assertThat(check(digest("MD5", user(t), password(t), nonce(), "00000001", "/live/door", "kvr")))
                .isInstanceOf(Allowed.class);
    }

    @Test
    void digestWithAnApiKeyInClear() {
        assertThat(check(digest("MD5", "door", KEY, nonce(), "00000001"))).isEqualTo(new Allowed("API key for live/*"));
        // a key kept as its hash works with Basic only
        assertThat(refused(check(digest("MD5", "door", HASHED_KEY, nonce(), "00000001"))))
                .isEqualTo(401);
        assertThat(check(basic("door", HASHED_KEY))).isInstanceOf(Allowed.class);
    }

    @Test
    void basicWithATokenOrAKey() {
        String t = token("live/door", Role.PUBLISHER);
        assertThat(check(basic(user(t), password(t)))).isInstanceOf(Allowed.class);
        assertThat(check(basic("anyone", t))).isInstanceOf(Allowed.class);
        assertThat(check(basic("anyone", KEY))).isInstanceOf(Allowed.class);
        assertThat(refused(check(basic("anyone", KEY + "x")))).isEqualTo(401);
    }

    @Test
    void wrongPasswordIs401WithoutSayingWhatWasWrong() {
        String t = token("live/*", Role.PUBLISHER);
        Refused r = (Refused) check(digest("MD5", user(t), password(t) + "x", nonce(), "00000001"));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.reason()).isEqualTo("wrong credentials");
        assertThat(r.challenges()).hasSize(3).noneMatch(c -> c.contains("stale"));
        // a forged payload with a password of another token
        String other = token("other/*", Role.PUBLISHER);
        assertThat(refused(check(digest("MD5", user(t), password(other), nonce(), "00000001"))))
                .isEqualTo(401);
        assertThat(refused(check(digest("MD5", "door", "wrong-key-0123456789", nonce(), "00000001"))))
                .isEqualTo(401);
    }

    @Test
    void anotherStreamOrRoleIs403() {
        String other = token("other/*", Role.PUBLISHER);
        Refused r = (Refused) check(digest("MD5", user(other), password(other), nonce(), "00000001"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.challenges()).isEmpty();
        String viewer = token("live/*", Role.VIEWER);
        assertThat(refused(check(digest("MD5", user(viewer), password(viewer), nonce(), "00000001"))))
                .isEqualTo(403);
        assertThat(refused(check(basic("x", "viewer-key-0123456789")))).isEqualTo(403);
        // an admin may push anything
        String admin = token("*", Role.ADMIN);
        assertThat(check(digest("MD5", user(admin), password(admin), nonce(), "00000001")))
                .isInstanceOf(Allowed.class);
    }

    @Test
    void expiredCredentialIs401() {
        String t = tokens.mint(new Grant("live/*", clock.millis() / 1000 - 3600, null, null, Role.PUBLISHER));
        assertThat(refused(check(digest("MD5", user(t), password(t), nonce(), "00000001"))))
                .isEqualTo(401);
    }

    @Test
    void wrongRealmOrAlgorithmIs401() {
        String t = token("live/*", Role.PUBLISHER);
        assertThat(refused(check(digest("MD5", user(t), password(t), nonce(), "00000001", URL, "other"))))
                .isEqualTo(401);
        assertThat(refused(check(digest("MD5-sess", user(t), password(t), nonce(), "00000001"))))
                .isEqualTo(401);
    }

    @Test
    void expiredNonceIsStale() {
        String t = token("live/*", Role.PUBLISHER);
        String nonce = nonce();
        clock.millis += PublishAuthentication.NONCE_LIFETIME.toMillis() + 1;
        Refused r = (Refused) check(digest("MD5", user(t), password(t), nonce, "00000001"));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.challenges().get(0)).contains("stale=true");
        // a stale nonce with a wrong password is plainly wrong
        Refused wrong = (Refused) check(digest("MD5", user(t), "nope", nonce, "00000001"));
        assertThat(wrong.challenges().get(0)).doesNotContain("stale");
    }

    @Test
    void forgedNonceIs401() {
        String t = token("live/*", Role.PUBLISHER);
        byte[] forged = new byte[32];
        new Random(1).nextBytes(forged);
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(forged);
        Refused r = (Refused) check(digest("MD5", user(t), password(t), nonce, "00000001"));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.challenges().get(0)).doesNotContain("stale");
        // a nonce of another server (another secret)
        PublishAuthentication other = new PublishAuthentication(access(), false, clock);
        Matcher m = NONCE.matcher(((Refused) other.check("ANNOUNCE", URL, null, DOOR))
                .challenges()
                .get(0));
        assertThat(m.find()).isTrue();
        assertThat(refused(check(digest("MD5", user(t), password(t), m.group(1), "00000001"))))
                .isEqualTo(401);
    }

    @Test
    void replayedNonceCountIsStale() {
        String t = token("live/*", Role.PUBLISHER);
        String nonce = nonce();
        String first = digest("MD5", user(t), password(t), nonce, "00000001");
        assertThat(check(first)).isInstanceOf(Allowed.class);
        Refused replay = (Refused) check(first);
        assertThat(replay.challenges().get(0)).contains("stale=true");
        assertThat(check(digest("MD5", user(t), password(t), nonce, "00000002")))
                .isInstanceOf(Allowed.class);
        assertThat(refused(check(digest("MD5", user(t), password(t), nonce, "00000002"))))
                .isEqualTo(401);
        // without qop a nonce is used once
        String once = nonce();
        assertThat(check(digest("MD5", user(t), password(t), once, null))).isInstanceOf(Allowed.class);
        assertThat(refused(check(digest("MD5", user(t), password(t), once, null))))
                .isEqualTo(401);
    }

    @Test
    void nonceTableIsBoundedAndEvictedNoncesStayUnusable() {
        String t = token("live/*", Role.PUBLISHER);
        String firstNonce = nonce();
        assertThat(check(digest("MD5", user(t), password(t), firstNonce, "00000001")))
                .isInstanceOf(Allowed.class);
        for (int i = 0; i < PublishAuthentication.MAX_NONCES_IN_USE + 10; i++) {
            clock.millis += 1;
            assertThat(check(digest("MD5", user(t), password(t), nonce(), "00000001")))
                    .isInstanceOf(Allowed.class);
        }
        assertThat(auth.noncesInUse()).isLessThanOrEqualTo(PublishAuthentication.MAX_NONCES_IN_USE);
        // the first nonce was evicted: its next count is refused, not taken as new
        assertThat(refused(check(digest("MD5", user(t), password(t), firstNonce, "00000002"))))
                .isEqualTo(401);
    }

    @Test
    void malformedHeadersAre400Or401NeverAnException() {
        String nonce = nonce();
        Map<String, Integer> cases = new java.util.LinkedHashMap<>();
        cases.put("Basic !!!notbase64", 400);
        cases.put("Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes(StandardCharsets.UTF_8)), 400);
        cases.put("Digest ", 400);
        cases.put("Digest username=\"a\"", 400);
        cases.put("Digest username=\"a, realm=kvr", 400);
        cases.put("Digest username", 400);
        cases.put("Digest username=a realm=b", 400);
        cases.put("Digest username=a, username=b", 400);
        cases.put("Digest ===", 400);
        cases.put(
                "Digest username=\"a\", realm=\"kvr\", nonce=\"" + nonce + "\", uri=\"" + URL
                        + "\", response=\"00\", qop=auth",
                400);
        cases.put(
                "Digest username=\"a\", realm=\"kvr\", nonce=\"" + nonce + "\", uri=\"rtsp://h/other/x\","
                        + " response=\"00\"",
                400);
        cases.put(
                "Digest username=\"a\", realm=\"kvr\", nonce=\"" + nonce + "\", uri=\"" + URL
                        + "\", response=\"00\", qop=auth, nc=zz, cnonce=\"c\"",
                400);
        cases.put("Digest username=\"a\", realm=\"kvr\", nonce=\"%%%\", uri=\"" + URL + "\", response=\"00\"", 401);
        cases.put("Bearer abc", 401);
        cases.put("Negotiate", 401);
        cases.put("Digest " + "a=b, ".repeat(40), 400);
        cases.put("Basic " + "A".repeat(PublishAuthentication.MAX_HEADER_LENGTH), 400);
        cases.forEach((header, status) -> assertThat(refused(check(header)))
                .as(header.length() > 80 ? header.substring(0, 80) : header)
                .isEqualTo(status));
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] b = new byte[random.nextInt(200)];
            random.nextBytes(b);
            String junk = (random.nextBoolean() ? "Digest " : "Basic ") + new String(b, StandardCharsets.ISO_8859_1);
            assertThat(check(junk)).isInstanceOf(Refused.class);
        }
    }

    @Test
    void withoutAccessControlPublishOpenDecides() {
        PublishAuthentication open = new PublishAuthentication(AccessSettings.off(), true, clock);
        assertThat(open.check("ANNOUNCE", URL, null, DOOR)).isInstanceOf(Allowed.class);
        PublishAuthentication closed = new PublishAuthentication(AccessSettings.off(), false, clock);
        Refused r = (Refused) closed.check("ANNOUNCE", URL, basic("a", "b"), DOOR);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.reason()).contains("publish.open").contains("access control");
    }

    @Test
    void credentialsNeverAppearInAnswers() {
        String t = token("other/*", Role.PUBLISHER);
        for (Decision d : List.of(
                check(digest("MD5", user(t), password(t), nonce(), "00000001")),
                check(basic(user(t), password(t))),
                check(basic("x", KEY + "x")))) {
            assertThat(d.toString()).doesNotContain(password(t)).doesNotContain(KEY);
        }
    }

    private static int refused(Decision d) {
        assertThat(d).isInstanceOf(Refused.class);
        return ((Refused) d).status();
    }
}
