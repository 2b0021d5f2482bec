package io.kvr.runtime.index;

import io.kvr.runtime.access.Role;
import io.kvr.runtime.http.HttpError;
import io.kvr.runtime.http.HttpService;
import io.kvr.runtime.http.Request;
import io.kvr.runtime.http.Response;
import io.kvr.runtime.http.Router;
import io.kvr.runtime.http.Routes;

/**
 * Serves a {@link SegmentIndex} to other processes: {@code GET /v1/index/streams} (JSON),
 * {@code GET /v1/index/streams/{app}/{stream}} (JSON, 404 when unknown) and
 * {@code GET /v1/index/segments/{app}/{stream}?last=N} or {@code ?start=MS&end=MS} (binary segment records).
 * With {@code local=1} the {@code local} index answers instead (an indexer instance's own stores, asked by
 * another instance that forwards a query). An index that cannot answer now gives 503. Every route needs an
 * operator; the stream list shows the streams the credential covers, the others answer for a covered stream
 * only (and a time-range credential for its range only).
 */
public final class IndexRoutes implements Routes {
    /** Query parameter of a forwarded query: answer from this instance's stores only. */
    public static final String LOCAL_ONLY = "local";

    private final SegmentIndex index;
    private final SegmentIndex local;
    private final SegmentListCodec codec = new SegmentListCodec();

    public IndexRoutes(SegmentIndex index) {
        this(index, index);
    }

    /** {@code index} answers queries; {@code local} answers those forwarded by another indexer instance. */
    public IndexRoutes(SegmentIndex index, SegmentIndex local) {
        this.index = index;
        this.local = local;
    }

    @Override
    public void register(Router router) {
        router.get("/v1/index/streams", Role.OPERATOR, req -> answer(() -> HttpService.json(200,
                choose(req).streams().stream().filter(s -> req.access().covers(s.streamId())).toList())));
        router.get("/v1/index/segments/{app}/{stream}", Role.OPERATOR, req -> answer(() -> segments(req)));
        router.get("/v1/index/streams/{app}/{stream}", Role.OPERATOR, req -> answer(() -> choose(req)
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
        long start = number(req, "start", 0, Long.MAX_VALUE);
        long end = number(req, "end", 0, Long.MAX_VALUE);
        if (end <= start) {
            throw HttpError.badRequest("end must be after start");
        }
        req.access().requireRange(start, end);
        return Response.bytes(200, SegmentListCodec.CONTENT_TYPE, index.rangeEncoded(streamId, start, end));
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
