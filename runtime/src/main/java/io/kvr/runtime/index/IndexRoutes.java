package io.kvr.runtime.index;

import io.kvr.runtime.http.HttpError;
import io.kvr.runtime.http.HttpService;
import io.kvr.runtime.http.Request;
import io.kvr.runtime.http.Response;
import io.kvr.runtime.http.Router;
import io.kvr.runtime.http.Routes;

/**
 * Serves a {@link SegmentIndex} to other processes: {@code GET /v1/index/streams} (JSON) and
 * {@code GET /v1/index/segments/{app}/{stream}?last=N} or {@code ?start=MS&end=MS} (binary segment records).
 */
public final class IndexRoutes implements Routes {
    private final SegmentIndex index;
    private final SegmentListCodec codec = new SegmentListCodec();

    public IndexRoutes(SegmentIndex index) {
        this.index = index;
    }

    @Override
    public void register(Router router) {
        router.get("/v1/index/streams", req -> HttpService.json(200, index.streams()));
        router.get("/v1/index/segments/{app}/{stream}", this::segments);
    }

    private Response segments(Request req) {
        String streamId = req.param("app") + "/" + req.param("stream");
        if (req.queryParam("last").isPresent()) {
            int last = (int) number(req, "last", 1, 100_000);
            return Response.bytes(200, SegmentListCodec.CONTENT_TYPE, codec.encode(index.latest(streamId, last)));
        }
        long start = number(req, "start", 0, Long.MAX_VALUE);
        long end = number(req, "end", 0, Long.MAX_VALUE);
        if (end <= start) {
            throw HttpError.badRequest("end must be after start");
        }
        return Response.bytes(200, SegmentListCodec.CONTENT_TYPE, codec.encode(index.range(streamId, start, end)));
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
