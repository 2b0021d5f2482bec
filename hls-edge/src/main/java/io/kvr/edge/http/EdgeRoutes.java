package io.kvr.edge.http;

import io.kvr.edge.hls.PlaylistBuilder;
import io.kvr.runtime.http.HttpError;
import io.kvr.runtime.http.HttpService;
import io.kvr.runtime.http.Request;
import io.kvr.runtime.http.Response;
import io.kvr.runtime.http.Router;
import io.kvr.runtime.http.Routes;
import io.kvr.runtime.index.IndexUnavailableException;
import io.kvr.runtime.index.IndexedSegment;
import io.kvr.runtime.index.SegmentIndex;
import io.kvr.runtime.index.StreamSummary;
import io.kvr.runtime.index.Timeline;
import io.kvr.runtime.policy.PolicySettings;
import io.kvr.runtime.storage.ObjectKeys;
import io.kvr.runtime.stream.StreamName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /v1/streams}, {@code GET /{app}/{stream}/index.m3u8} (live) and the stream's init and media
 * segments below {@code /{app}/{stream}/}.
 */
public final class EdgeRoutes implements Routes {
    private static final String M3U8 = "application/vnd.apple.mpegurl";

    private final SegmentIndex index;
    private final ObjectProxy objects;
    private final ObjectKeys keys;
    private final PlaylistBuilder playlists;
    private final int liveWindow;
    private final long dvrWindowMs;
    private final long maxRangeMs;

    public EdgeRoutes(SegmentIndex index, ObjectProxy objects, ObjectKeys keys, int liveWindow, long dvrWindowMs,
                      long maxRangeMs) {
        this.index = index;
        this.objects = objects;
        this.keys = keys;
        this.playlists = new PlaylistBuilder(keys.prefix());
        this.liveWindow = liveWindow;
        this.dvrWindowMs = dvrWindowMs;
        this.maxRangeMs = maxRangeMs;
    }

    @Override
    public void register(Router router) {
        router.get("/v1/streams", req -> HttpService.json(200, streams()));
        router.get("/v1/streams/{app}/{stream}/recordings", this::recordings);
        router.get("/{app}/{stream}/index.m3u8", this::live);
        router.get("/{app}/{stream}/playlist.m3u8", this::range);
        router.get("/{app}/{stream}/master.m3u8", this::multivariant);
        router.get("/{app}/{stream}/{rest*}", this::object);
    }

    private List<Map<String, Object>> streams() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (StreamSummary s : ask(index::streams)) {
            StreamName name = StreamName.parse(s.streamId());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("app", name.app());
            m.put("stream", name.stream());
            m.put("live_url", "/" + name.id() + "/index.m3u8");
            m.put("first_start_ms", s.firstStartMs());
            m.put("last_end_ms", s.lastEndMs());
            m.put("segments", s.segments());
            m.put("codecs", s.codecs());
            m.put("width", s.width());
            m.put("height", s.height());
            out.add(m);
        }
        return out;
    }

    /** Longest range the recordings listing accepts. */
    private static final long MAX_LISTING_MS = 366L * 24 * 3600 * 1000;

    /**
     * {@code GET /v1/streams/{app}/{stream}/recordings?start_time=MS&end_time=MS}: recorded spans and the gaps
     * between them with reasons. Without a range: from the first recording to now.
     */
    private Response recordings(Request req) {
        StreamName name = streamName(req);
        StreamSummary summary = ask(index::streams).stream().filter(s -> s.streamId().equals(name.id())).findFirst()
                .orElseThrow(() -> HttpError.notFound("stream " + name.id() + " has no recording"));
        long now = System.currentTimeMillis();
        TimeRange range = TimeRange.parse(req, summary.firstStartMs(), Math.max(now, summary.lastEndMs()), MAX_LISTING_MS);
        Timeline.Result result = Timeline.of(ask(() -> index.range(name.id(), range.start(), range.end())),
                range.start(), range.end());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("app", name.app());
        body.put("stream", name.stream());
        body.put("start_time", range.start());
        body.put("end_time", range.end());
        body.put("spans", result.spans());
        body.put("gaps", result.gaps());
        return HttpService.json(200, body);
    }

    /** Live ({@code index.m3u8}), or with {@code dvr=1} an EVENT playlist from the start of the current recording. */
    private Response live(Request req) {
        StreamName name = streamName(req);
        String dvr = req.queryParam("dvr").orElse("0");
        if (!dvr.equals("0") && !dvr.equals("1")) {
            throw HttpError.badRequest("dvr must be 0 or 1");
        }
        if (dvr.equals("1")) {
            return m3u8(playlists.event(name.id(), currentRecording(name)), "public, max-age=1");
        }
        List<IndexedSegment> segments = ask(() -> index.latest(name.id(), liveWindow));
        if (segments.isEmpty()) {
            throw HttpError.notFound("stream " + name.id() + " has no recording");
        }
        // about half a segment: players poll every target duration, caches must not serve it longer
        return m3u8(playlists.live(name.id(), segments), "public, max-age=1");
    }

    /**
     * The segments of the recording going on now, within the DVR window: back from the newest segment until
     * the camera was away or time was not recorded (a reconnect or codec change does not end a recording).
     */
    private List<IndexedSegment> currentRecording(StreamName name) {
        List<IndexedSegment> newest = ask(() -> index.latest(name.id(), 1));
        if (newest.isEmpty()) {
            throw HttpError.notFound("stream " + name.id() + " has no recording");
        }
        long end = newest.get(0).segment().getEndTimeMs();
        List<IndexedSegment> window = ask(() -> index.range(name.id(), end - dvrWindowMs, end + 1));
        int first = window.size() - 1;
        while (first > 0) {
            String reason = Timeline.breakReason(window.get(first - 1).segment(), window.get(first).segment());
            if (Timeline.CAMERA_OFFLINE.equals(reason) || Timeline.NOT_RECORDED.equals(reason)
                    || Timeline.RECORDING_DISABLED.equals(reason)) {
                break;
            }
            first--;
        }
        return window.subList(Math.max(first, 0), window.size());
    }

    /**
     * {@code playlist.m3u8?start_time=MS&end_time=MS} (or {@code &duration=MS}; {@code end_time} wins): a VOD
     * playlist of the segments overlapping the range.
     */
    private Response range(Request req) {
        StreamName name = streamName(req);
        TimeRange range = TimeRange.parse(req, null, null, maxRangeMs);
        List<IndexedSegment> segments = ask(() -> index.range(name.id(), range.start(), range.end()));
        if (segments.isEmpty()) {
            if (ask(() -> index.latest(name.id(), 1)).isEmpty()) {
                throw HttpError.notFound("stream " + name.id() + " has no recording");
            }
            throw HttpError.notFound("stream " + name.id() + " has no recording between " + range.start()
                    + " and " + range.end());
        }
        // a range that ends in the past never changes; one reaching into the future grows
        boolean settled = range.end() < System.currentTimeMillis() - 60_000;
        return m3u8(playlists.vod(name.id(), segments), settled ? "public, max-age=3600" : "public, max-age=1");
    }

    /** {@code master.m3u8}: one variant (the live playlist) with CODECS and RESOLUTION. */
    private Response multivariant(Request req) {
        StreamName name = streamName(req);
        List<IndexedSegment> segments = ask(() -> index.latest(name.id(), liveWindow));
        if (segments.isEmpty()) {
            throw HttpError.notFound("stream " + name.id() + " has no recording");
        }
        return m3u8(playlists.multivariant(segments, "index.m3u8"), "public, max-age=1");
    }

    private static Response m3u8(String text, String cacheControl) {
        return Response.text(200, M3U8, text).header("Cache-Control", cacheControl);
    }

    private Response object(Request req) {
        StreamName name = streamName(req);
        String rest = req.param("rest");
        if (rest.startsWith("playlist.m3u8&")) {
            // seed 004's form: /{app}/{stream}/playlist.m3u8&start_time=…&end_time=…
            return range(withQuery(req, rest.substring("playlist.m3u8&".length())));
        }
        if (!ObjectKeys.isStreamRelative(rest)) {
            throw HttpError.notFound("no such resource below /" + name.id() + "/");
        }
        return objects.serve(storagePrefix(req) + keys.streamDir(name).substring(keys.prefix().length()) + rest,
                req.header("Range").orElse(null));
    }

    /**
     * The key prefix of the object: the edge's {@code s3.prefix}, or {@code ?prefix=} which playlists add to the
     * URIs of segments stored under another prefix (a recording policy's storage prefix).
     */
    private String storagePrefix(Request req) {
        Optional<String> asked = req.queryParam(PlaylistBuilder.PREFIX_PARAM);
        if (asked.isEmpty()) {
            return keys.prefix();
        }
        String prefix = asked.get();
        if (!prefix.equals(PolicySettings.normalizePrefix(prefix)) || PolicySettings.prefixProblem(prefix) != null) {
            throw HttpError.badRequest(PlaylistBuilder.PREFIX_PARAM + ": not a storage prefix");
        }
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    private static Request withQuery(Request req, String glued) {
        Map<String, String> query = new LinkedHashMap<>(req.query());
        for (String pair : glued.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                query.putIfAbsent(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return new Request(req.method(), req.path(), req.pathParams(), query, req.headers(), req.body());
    }

    private static StreamName streamName(Request req) {
        try {
            return new StreamName(req.param("app"), req.param("stream"));
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    private static <T> T ask(Supplier<T> query) {
        try {
            return query.get();
        } catch (IndexUnavailableException e) {
            throw new HttpError(503, "index unavailable: " + e.getMessage());
        }
    }
}
