package io.kvr.index;

import io.kvr.http.HttpError;
import io.kvr.http.HttpService;
import io.kvr.http.Millis;
import io.kvr.http.Request;
import io.kvr.http.Response;
import io.kvr.http.Router;
import io.kvr.http.Routes;
import io.kvr.http.access.Role;
import io.kvr.runtime.config.Settings;
import java.time.Duration;

/**
 * Serves a {@link SegmentIndex} to other processes: {@code GET /v1/index/streams} (JSON),
 * {@code GET /v1/index/streams/{app}/{stream}} (JSON, 404 when unknown) and
 * {@code GET /v1/index/segments/{app}/{stream}?last=N} or {@code ?start=MS&end=MS} (binary segment records).
 * With {@code local=1} the {@code local} index answers instead (an indexer instance's own stores, asked by
 * another instance that forwards a query). An index that cannot answer now gives 503. Every route needs an
 * operator; the stream list shows the streams the credential covers, the others answer for a covered stream
 * only (and a time-range credential for its range only).
 *
 * <p>A range answer covers at most {@code index.query.max.range} (default 7 days) from {@code start}, so one
 * request never builds a stream's whole history in memory: when the range asked is longer, the answer holds the
 * segments overlapping the first {@code [start, start + max)} and the header {@value #NEXT_START} names the
 * {@code start} of the next page (the same {@code end}). A segment crossing a page boundary is in both pages;
 * {@link HttpSegmentIndex} follows the pages and keeps it once.
 */
public final class IndexRoutes implements Routes {
    /** Query parameter of a forwarded query: answer from this instance's stores only. */
    public static final String LOCAL_ONLY = "local";
    /** Header of a range answer cut at the page size: the {@code start} of the next page. */
    public static final String NEXT_START = "X-Kvr-Next-Start";
    /** Default of {@code index.query.max.range}. */
    public static final Duration DEFAULT_MAX_RANGE = Duration.ofDays(7);

    private final SegmentIndex index;
    private final SegmentIndex local;
    private final long maxRangeMs;
    private final SegmentListCodec codec = new SegmentListCodec();

    public IndexRoutes(SegmentIndex index) {
        this(index, index);
    }

    /** {@code index} answers queries; {@code local} answers those forwarded by another indexer instance. */
    public IndexRoutes(SegmentIndex index, SegmentIndex local) {
        this(index, local, DEFAULT_MAX_RANGE);
    }

    /** ... and a range answer covers at most {@code maxRange} ({@code index.query.max.range}). */
    public IndexRoutes(SegmentIndex index, SegmentIndex local, Duration maxRange) {
        if (maxRange.toMillis() <= 0) {
            throw new IllegalArgumentException("maxRange must be positive");
        }
        this.index = index;
        this.local = local;
        this.maxRangeMs = maxRange.toMillis();
    }

    /** {@code index.query.max.range}: the longest range one answer covers (default 7d, from 1m). */
    public static Duration maxRange(Settings s) {
        Duration d = s.duration("index.query.max.range", DEFAULT_MAX_RANGE);
        if (d.compareTo(Duration.ofMinutes(1)) < 0 || d.toMillis() > Millis.LATEST) {
            s.problem("index.query.max.range: must be at least 1m");
            return DEFAULT_MAX_RANGE;
        }
        return d;
    }

    @Override
    public void register(Router router) {
        router.get(
                "/v1/index/streams",
                Role.OPERATOR,
                req -> answer(() -> HttpService.json(
                        200,
                        choose(req).streams().stream()
                                .filter(s -> req.access().covers(s.streamId()))
                                .toList())));
        router.get("/v1/index/segments/{app}/{stream}", Role.OPERATOR, req -> answer(() -> segments(req)));
        router.get(
                "/v1/index/streams/{app}/{stream}",
                Role.OPERATOR,
                req -> answer(() -> choose(req)
                        .summary(streamId(req))
                        .map(s -> HttpService.json(200, s))
                        .orElseThrow(() -> HttpError.notFound("no such stream"))));
    }

    /** {@code app/stream} of the path; 403 unless the credential covers it. */
    private static String streamId(Request req) {
        String streamId = req.param("app") + "/" + req.param("stream");
        req.access().requireStream(streamId);
        return streamId;
    }

    private SegmentIndex choose(Request req) {
        String scope = req.queryParam(LOCAL_ONLY).orElse("0");
        if (!scope.equals("0") && !scope.equals("1")) {
            throw HttpError.badRequest(LOCAL_ONLY + " must be 0 or 1");
        }
        return scope.equals("1") ? local : index;
    }

    private static Response answer(java.util.function.Supplier<Response> query) {
        try {
            return query.get();
        } catch (IndexUnavailableException e) {
            throw new HttpError(503, e.getMessage());
        }
    }

    private Response segments(Request req) {
        String streamId = streamId(req);
        SegmentIndex index = choose(req);
        if (req.queryParam("last").isPresent()) {
            int last = (int) number(req, "last", 1, 100_000);
            req.access().requireUnlimited("the newest segments");
            return Response.bytes(200, SegmentListCodec.CONTENT_TYPE, codec.encode(index.latest(streamId, last)));
        }
        long start = Millis.parse("start", req.queryParam("start").orElse(null));
        long end = Millis.parse("end", req.queryParam("end").orElse(null));
        if (end <= start) {
            throw HttpError.badRequest("end must be after start");
        }
        req.access().requireRange(start, end);
        long pageEnd = end - start > maxRangeMs ? start + maxRangeMs : end; // both ≤ Millis.LATEST: no overflow
        Response answer =
                Response.bytes(200, SegmentListCodec.CONTENT_TYPE, index.rangeEncoded(streamId, start, pageEnd));
        return pageEnd < end ? answer.header(NEXT_START, Long.toString(pageEnd)) : answer;
    }

    private static long number(Request req, String name, long min, long max) {
        String v = req.queryParam(name).orElseThrow(() -> HttpError.badRequest(name + " is required"));
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                throw HttpError.badRequest(name + " must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw HttpError.badRequest(name + " must be a whole number");
        }
    }
}
