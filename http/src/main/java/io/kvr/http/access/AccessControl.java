package io.kvr.http.access;

import io.kvr.http.HttpError;
import io.kvr.http.Request;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;

/**
 * Decides who may use a route. Every route declares the {@link Role} it needs when it is registered; the HTTP
 * service asks {@link #authorize} once per request, after the route is matched and before its handler runs,
 * and hands the resulting {@link Access} to the handler on the {@link Request}. Handlers of routes about one
 * stream check the stream and the time range on it ({@link Access#requireStream}, {@link Access#requireRange}).
 *
 * <p>Credentials: a {@link SignedToken} or a JWT, given as {@code ?token=} or {@code Authorization: Bearer};
 * an API key ({@link ApiKeys}) as {@code Authorization: Bearer} or {@code X-Api-Key}. With access control off
 * every request gets {@link Access#OPEN}. A missing credential is 401 (the HTTP service adds
 * {@code WWW-Authenticate}); a malformed, forged or expired one, one whose role is too low, or one for another
 * stream or time, is 403. Reasons are JSON, as for every error, and never repeat a credential.
 */
public final class AccessControl {
    public static final String QUERY_PARAM = "token";
    public static final String API_KEY_HEADER = "X-Api-Key";
    /** The {@code WWW-Authenticate} challenge of every 401 (RFC 7235). */
    public static final String CHALLENGE = "Bearer realm=\"kvr\"";

    private final boolean required;
    private final SignedToken tokens;
    private final JwtVerifier jwts;
    private final ApiKeys apiKeys;
    private final boolean metricsPublic;
    private final long skewSec;
    private final Clock clock;

    public AccessControl(AccessSettings settings, Clock clock) {
        this.required = settings.required();
        this.tokens = settings.tokenSecret() == null ? null : new SignedToken(settings.tokenSecret());
        this.jwts = settings.jwtHs256Secret() == null && settings.jwtRs256Key() == null
                ? null
                : new JwtVerifier(
                        settings.jwtHs256Secret(),
                        settings.jwtRs256Key(),
                        settings.jwtIssuer(),
                        settings.jwtAudience(),
                        settings.jwtStreamClaim(),
                        settings.jwtRolesClaim(),
                        (int) settings.clockSkew().toSeconds());
        this.apiKeys = settings.apiKeys();
        this.metricsPublic = settings.metricsPublic();
        this.skewSec = settings.clockSkew().toSeconds();
        this.clock = clock;
    }

    public AccessControl(AccessSettings settings) {
        this(settings, Clock.systemUTC());
    }

    /** Access control off: every request may use every route. */
    public static AccessControl open() {
        return new AccessControl(AccessSettings.off());
    }

    public boolean required() {
        return required;
    }

    /** What {@code /metrics} needs: nothing with {@code metrics.public=true}, else an operator's credential. */
    public Role metricsRole() {
        return metricsPublic ? Role.PUBLIC : Role.OPERATOR;
    }

    /**
     * The access of a request to a route that needs {@code needed}: {@link Access#OPEN} with access control off,
     * {@link Access#ANONYMOUS} on a public route, else the credential's (401 without one, 403 when it is invalid
     * or its role is below {@code needed}).
     */
    public Access authorize(Request req, Role needed) {
        if (!required) {
            return Access.OPEN;
        }
        if (needed == Role.PUBLIC) {
            return Access.ANONYMOUS;
        }
        Access access = check(req);
        if (!access.role().includes(needed)) {
            throw new HttpError(
                    403,
                    "this needs the " + needed.wireName() + " role; the credential has the "
                            + access.role().wireName() + " role");
        }
        return access;
    }

    /** What the request's credential grants, on any stream (for listings: filter with {@link Access#covers}). */
    public Access check(Request req) {
        if (!required) {
            return Access.OPEN;
        }
        Optional<String> query = req.queryParam(QUERY_PARAM).filter(t -> !t.isEmpty());
        Optional<String> bearer = req.header("Authorization")
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).trim())
                .filter(t -> !t.isEmpty());
        Optional<String> apiKey = req.header(API_KEY_HEADER).map(String::trim).filter(k -> !k.isEmpty());
        Grant grant;
        try {
            if (query.isPresent()) {
                grant = verifyToken(query.get());
            } else if (bearer.isPresent()) {
                Optional<Grant> key = apiKeys.isEmpty() ? Optional.empty() : apiKeys.match(bearer.get());
                grant = key.isPresent() ? key.get() : verifyToken(bearer.get());
            } else if (apiKey.isPresent()) {
                grant = apiKeys.match(apiKey.get())
                        .orElseThrow(() -> new InvalidCredentialException("unknown API key"));
            } else {
                throw new HttpError(
                        401,
                        "a token is required: add ?" + QUERY_PARAM + "=…, an Authorization: Bearer " + "header or an "
                                + API_KEY_HEADER + " header");
            }
        } catch (InvalidCredentialException e) {
            throw new HttpError(403, e.getMessage());
        }
        if (clock.millis() / 1000 - skewSec > grant.expiresAtSec()) {
            throw new HttpError(403, "token expired");
        }
        // a credential from the query is carried on to the URLs a playlist names; a header the client sends itself
        return new Access(
                grant,
                query.isPresent() ? QUERY_PARAM + "=" + URLEncoder.encode(query.get(), StandardCharsets.UTF_8) : "");
    }

    /** {@link #check(Request)} for one stream: 403 unless the credential covers {@code streamId}. */
    public Access check(Request req, String streamId) {
        return check(req).requireStream(streamId);
    }

    private Grant verifyToken(String credential) {
        if (SignedToken.looksLikeOne(credential)) {
            if (tokens == null) {
                throw new InvalidCredentialException("signed tokens are not accepted here (no access.token.secret)");
            }
            return tokens.verify(credential);
        }
        if (jwts == null) {
            throw new InvalidCredentialException(
                    tokens == null && apiKeys.isEmpty()
                            ? "no credential is accepted"
                            : apiKeys.isEmpty() ? "malformed token" : "malformed token or unknown API key");
        }
        return jwts.verify(credential);
    }

    /**
     * A checked request: its grant, and {@code carryQuery} — {@code token=…} when the credential came in the query
     * (to append to URLs a playlist names), else empty.
     */
    public record Access(Grant grant, String carryQuery) {
        /** Access control is off: everything is allowed. */
        public static final Access OPEN = new Access(Grant.ALL, "");
        /** A request without a credential, to a public route: nothing beyond that route. */
        public static final Access ANONYMOUS = new Access(Grant.NONE, "");

        public Role role() {
            return grant.role();
        }

        /** True with access control off (answers may then be kept by shared caches). */
        public boolean isOpen() {
            return grant == Grant.ALL;
        }

        /** True when the credential covers stream {@code streamId} (to filter listings). */
        public boolean covers(String streamId) {
            return grant.coversStream(streamId);
        }

        /** 403 unless the credential covers stream {@code streamId} ({@code app/stream}). */
        public Access requireStream(String streamId) {
            if (!grant.coversStream(streamId)) {
                throw new HttpError(403, "token is for stream " + grant.stream() + ", not " + streamId);
            }
            return this;
        }

        /** 403 unless the credential covers every stream of application {@code app} (e.g. its policy). */
        public Access requireApp(String app) {
            if (!grant.coversApp(app)) {
                throw new HttpError(403, "token is for stream " + grant.stream() + ", not every stream of " + app);
            }
            return this;
        }

        /** 403 unless the grant opens all of {@code [startMs, endMs)}. */
        public Access requireRange(long startMs, long endMs) {
            if (!grant.coversRange(startMs, endMs)) {
                throw new HttpError(
                        403,
                        "token grants " + grant.rangeStartMs() + "–" + grant.rangeEndMs() + " only, not " + startMs
                                + "–" + endMs);
            }
            return this;
        }

        /** 403 unless the grant opens some of {@code [startMs, endMs)}. */
        public Access requireOverlap(long startMs, long endMs) {
            if (!grant.overlaps(startMs, endMs)) {
                throw new HttpError(
                        403,
                        "token grants " + grant.rangeStartMs() + "–" + grant.rangeEndMs() + " only, not " + startMs
                                + "–" + endMs);
            }
            return this;
        }

        /** 403 when the grant is limited to a time range ({@code what}: e.g. "live playback"). */
        public Access requireUnlimited(String what) {
            if (grant.hasRange()) {
                throw new HttpError(403, "token grants a time range only; " + what + " needs a token without one");
            }
            return this;
        }

        /** {@code ?token=…} (or {@code ""}) to append to a URL without a query. */
        public String uriSuffix() {
            return carryQuery.isEmpty() ? "" : "?" + carryQuery;
        }

        @Override
        public String toString() {
            return "Access[" + grant + (carryQuery.isEmpty() ? "" : ", token carried") + "]";
        }
    }
}
