package io.kvr.runtime.access;

import io.kvr.runtime.http.Handler;
import io.kvr.runtime.http.HttpError;
import io.kvr.runtime.http.HttpService;
import io.kvr.runtime.http.Request;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;

/**
 * Checks the credential of a request to a stream's recordings: a {@link SignedToken} or a JWT, given as
 * {@code ?token=} or {@code Authorization: Bearer}. With access control off every request gets {@link Grant#ALL}.
 * A missing credential is 401 (with {@code WWW-Authenticate}, see {@link #challenging}); a malformed, forged or
 * expired one, or one for another stream or time, is 403. Reasons are JSON, as for every error.
 */
public final class AccessControl {
    public static final String QUERY_PARAM = "token";

    private final boolean required;
    private final SignedToken tokens;
    private final JwtVerifier jwts;
    private final long skewSec;
    private final Clock clock;

    public AccessControl(AccessSettings settings, Clock clock) {
        this.required = settings.required();
        this.tokens = settings.tokenSecret() == null ? null : new SignedToken(settings.tokenSecret());
        this.jwts = settings.jwtHs256Secret() == null && settings.jwtRs256Key() == null ? null
                : new JwtVerifier(settings.jwtHs256Secret(), settings.jwtRs256Key(), settings.jwtIssuer(),
                        settings.jwtAudience(), settings.jwtStreamClaim(), (int) settings.clockSkew().toSeconds());
        this.skewSec = settings.clockSkew().toSeconds();
        this.clock = clock;
    }

    public AccessControl(AccessSettings settings) {
        this(settings, Clock.systemUTC());
    }

    public boolean required() {
        return required;
    }

    /** What the request's credential grants, on any stream (for listings: filter with {@link Grant#coversStream}). */
    public Access check(Request req) {
        if (!required) {
            return Access.OPEN;
        }
        Optional<String> query = req.queryParam(QUERY_PARAM).filter(t -> !t.isEmpty());
        Optional<String> bearer = req.header("Authorization")
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).trim());
        String credential = query.or(() -> bearer).orElseThrow(() -> new HttpError(401,
                "a token is required: add ?" + QUERY_PARAM + "=… or an Authorization: Bearer header"));
        Grant grant;
        try {
            grant = verify(credential);
        } catch (InvalidCredentialException e) {
            throw new HttpError(403, e.getMessage());
        }
        if (clock.millis() / 1000 - skewSec > grant.expiresAtSec()) {
            throw new HttpError(403, "token expired");
        }
        // a credential from the query is carried on to the URLs a playlist names; a header the client sends itself
        return new Access(grant, query.isPresent()
                ? QUERY_PARAM + "=" + URLEncoder.encode(credential, StandardCharsets.UTF_8) : "");
    }

    /** {@link #check(Request)} for one stream: 403 unless the credential covers {@code streamId}. */
    public Access check(Request req, String streamId) {
        Access access = check(req);
        if (!access.grant().coversStream(streamId)) {
            throw new HttpError(403, "token is for stream " + access.grant().stream() + ", not " + streamId);
        }
        return access;
    }

    private Grant verify(String credential) {
        if (SignedToken.looksLikeOne(credential)) {
            if (tokens == null) {
                throw new InvalidCredentialException("signed tokens are not accepted here (no access.token.secret)");
            }
            return tokens.verify(credential);
        }
        if (jwts == null) {
            throw new InvalidCredentialException(tokens == null ? "no credential is accepted" : "malformed token");
        }
        return jwts.verify(credential);
    }

    /** Adds {@code WWW-Authenticate: Bearer} to the 401 answers of {@code handler} (RFC 7235 wants it). */
    public static Handler challenging(Handler handler) {
        return req -> {
            try {
                return handler.handle(req);
            } catch (HttpError e) {
                if (e.status() != 401) {
                    throw e;
                }
                return HttpService.error(401, e.getMessage()).header("WWW-Authenticate", "Bearer realm=\"kvr\"");
            }
        };
    }

    /**
     * A checked request: its grant, and {@code carryQuery} — {@code token=…} when the credential came in the query
     * (to append to URLs a playlist names), else empty.
     */
    public record Access(Grant grant, String carryQuery) {
        static final Access OPEN = new Access(Grant.ALL, "");

        /** 403 unless the grant opens all of {@code [startMs, endMs)}. */
        public Access requireRange(long startMs, long endMs) {
            if (!grant.coversRange(startMs, endMs)) {
                throw new HttpError(403, "token grants " + grant.rangeStartMs() + "–" + grant.rangeEndMs()
                        + " only, not " + startMs + "–" + endMs);
            }
            return this;
        }

        /** 403 unless the grant opens some of {@code [startMs, endMs)}. */
        public Access requireOverlap(long startMs, long endMs) {
            if (!grant.overlaps(startMs, endMs)) {
                throw new HttpError(403, "token grants " + grant.rangeStartMs() + "–" + grant.rangeEndMs()
                        + " only, not " + startMs + "–" + endMs);
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
    }
}
