package io.kvr.edge.http;

import io.kvr.edge.hls.LiveWindowCache;
import io.kvr.edge.hls.PlaylistBuilder;
import io.kvr.edge.hls.SettledRangeCache;
import io.kvr.http.Cors;
import io.kvr.http.Handler;
import io.kvr.http.HttpError;
import io.kvr.http.HttpService;
import io.kvr.http.Request;
import io.kvr.http.Response;
import io.kvr.http.Router;
import io.kvr.http.Routes;
import io.kvr.http.access.AccessControl.Access;
import io.kvr.http.access.Role;
import io.kvr.index.IndexUnavailableException;
import io.kvr.index.IndexedSegment;
import io.kvr.index.SegmentIndex;
import io.kvr.index.StreamSummary;
import io.kvr.index.Timeline;
import io.kvr.policy.PolicySettings;
import io.kvr.runtime.storage.ObjectKeys;
import io.kvr.runtime.stream.StreamName;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /v1/streams}, {@code GET /{app}/{stream}/index.m3u8} (live) and the stream's init and media
 * segments below {@code /{app}/{stream}/}. Every route is a viewer's: the HTTP service checks the credential
 * before a handler runs, and the handlers check the stream and time range on the request's {@link Access}. Every
 * answer carries the configured CORS headers, errors and refusals included.
 */
public final class EdgeRoutes implements Routes {
    private static final String M3U8 = "application/vnd.apple.mpegurl";

    private final SegmentIndex index;
    private final ObjectDelivery objects;
    private final ObjectKeys keys;
    private final PlaylistBuilder playlists;
    private final int liveWindow;
    private final long dvrWindowMs;
    private final long maxRangeMs;
    private final Cors cors;
    private final LiveWindowCache liveWindows;
    private final SettledRangeCache settledRanges;
    private final long openRangeTtlNanos;

    public EdgeRoutes(
            SegmentIndex index,
            ObjectDelivery objects,
            ObjectKeys keys,
            int liveWindow,
            long dvrWindowMs,
            long maxRangeMs,
            Cors cors,
            LiveWindowCache liveWindows,
            SettledRangeCache settledRanges,
            long openRangeTtlNanos) {
        this.settledRanges = settledRanges;
        this.openRangeTtlNanos = openRangeTtlNanos;
        this.cors = cors;
        this.liveWindows = liveWindows;
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
        route(router, "/v1/streams", req -> HttpService.json(200, streams(req)));
        route(router, "/v1/streams/{app}/{stream}/recordings", this::recordings);
        route(router, "/{app}/{stream}/index.m3u8", this::live);
        route(router, "/{app}/{stream}/playlist.m3u8", this::range);
        route(router, "/{app}/{stream}/master.m3u8", this::multivariant);
        route(router, "/{app}/{stream}/{rest*}", this::object);
    }

    /** GET (and HEAD) for viewers, with CORS headers; OPTIONS for CORS preflights (which carry no credential). */
    private void route(Router router, String pattern, Handler handler) {
        router.add("GET", pattern, Role.VIEWER, cors, handler);
        router.add("OPTIONS", pattern, Role.PUBLIC, cors::preflight);
    }

    /** The streams the request's credential covers (all of them with access control off). */
    private List<Map<String, Object>> streams(Request req) {
        Access a = req.access();
        List<Map<String, Object>> out = new ArrayList<>();
        for (StreamSummary s : ask(index::streams)) {
            if (!a.covers(s.streamId())) {
                continue;
            }
            StreamName name = StreamName.parse(s.streamId());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("app", name.app());
            m.put("stream", name.stream());
            m.put("live_url", "/" + name.id() + "/index.m3u8" + a.uriSuffix());
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
        Access a = req.access().requireStream(name.id());
        StreamSummary summary = ask(() -> index.summary(name.id()))
                .orElseThrow(() -> HttpError.notFound("stream " + name.id() + " has no recording"));
        long now = System.currentTimeMillis();
        // a token for a time range lists that range unless asked for less
        long defaultStart = a.grant().hasRange() ? a.grant().rangeStartMs() : summary.firstStartMs();
        long defaultEnd = a.grant().hasRange() ? a.grant().rangeEndMs() : Math.max(now, summary.lastEndMs());
        TimeRange range = TimeRange.parse(req, defaultStart, defaultEnd, MAX_LISTING_MS);
        a.requireRange(range.start(), range.end());
        Timeline.Result result =
                Timeline.of(ask(() -> index.range(name.id(), range.start(), range.end())), range.start(), range.end());
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
        Access a = req.access()
                .requireStream(name.id())
                .requireUnlimited(dvr.equals("1") ? "time-shift" : "live playback");
        String cacheControl = cacheControl(a, "max-age=1");
        if (dvr.equals("1")) {
            return m3u8(playlists.media(name.id(), currentRecording(name), "EVENT", a.uriSuffix()), cacheControl);
        }
        LiveWindowCache.Window window = liveWindow(name);
        byte[] text = a.carryQuery().isEmpty()
                ? window.utf8(s -> playlists.live(name.id(), s))
                : playlists
                        .media(name.id(), window.segments(), null, a.uriSuffix())
                        .getBytes(StandardCharsets.UTF_8);
        // about half a segment: players poll every target duration, caches must not serve it longer
        return Response.bytes(200, M3U8, text).header("Cache-Control", cacheControl);
    }

    /** The newest {@code liveWindow} segments, from the index at most once per {@code edge.live.cache}. */
    private LiveWindowCache.Window liveWindow(StreamName name) {
        LiveWindowCache.Window window =
                liveWindows.get(name.id(), () -> ask(() -> index.latest(name.id(), liveWindow)));
        if (window.segments().isEmpty()) {
            throw HttpError.notFound("stream " + name.id() + " has no recording");
        }
        return window;
    }

    /** Shared caches may keep answers that need no credential; with one, only the viewer's own cache may. */
    private static String cacheControl(Access a, String maxAge) {
        return (a.isOpen() ? "public, " : "private, ") + maxAge;
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
            String reason = Timeline.breakReason(
                    window.get(first - 1).segment(), window.get(first).segment());
            if (Timeline.CAMERA_OFFLINE.equals(reason)
                    || Timeline.NOT_RECORDED.equals(reason)
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
        Access a = req.access().requireStream(name.id());
        TimeRange range = TimeRange.parse(req, null, null, maxRangeMs);
        a.requireRange(range.start(), range.end());
        // a range that ends in the past never changes; one reaching into the future grows
        boolean settled = range.end() < System.currentTimeMillis() - 60_000;
        Supplier<byte[]> render = () -> rangePlaylist(name, range, a).getBytes(StandardCharsets.UTF_8);
        // a growing range is kept as long as a live window (edge.live.cache): viewers opening the same link at
        // once cost one index query and render, and it is no staler than the live playlist
        String key = name.id() + "|" + range.start() + "|" + range.end() + "|" + a.uriSuffix();
        byte[] playlist = settled ? settledRanges.get(key, render) : settledRanges.get(key, openRangeTtlNanos, render);
        return Response.bytes(200, M3U8, playlist)
                .header("Cache-Control", cacheControl(a, settled ? "max-age=3600" : "max-age=1"));
    }

    private String rangePlaylist(StreamName name, TimeRange range, Access a) {
        List<IndexedSegment> segments = ask(() -> index.range(name.id(), range.start(), range.end()));
        if (segments.isEmpty()) {
            if (ask(() -> index.latest(name.id(), 1)).isEmpty()) {
                throw HttpError.notFound("stream " + name.id() + " has no recording");
            }
            throw HttpError.notFound(
                    "stream " + name.id() + " has no recording between " + range.start() + " and " + range.end());
        }
        return playlists.media(name.id(), segments, "VOD", a.uriSuffix());
    }

    /** {@code master.m3u8}: one variant (the live playlist) with CODECS and RESOLUTION. */
    private Response multivariant(Request req) {
        StreamName name = streamName(req);
        Access a = req.access().requireStream(name.id()).requireUnlimited("live playback");
        List<IndexedSegment> segments = liveWindow(name).segments();
        return m3u8(playlists.multivariant(segments, "index.m3u8" + a.uriSuffix()), cacheControl(a, "max-age=1"));
    }

    private static Response m3u8(String text, String cacheControl) {
        return Response.text(200, M3U8, text).header("Cache-Control", cacheControl);
    }

    private Response object(Request req) {
        StreamName name = streamName(req);
        String rest = req.param("rest");
        if (rest.startsWith("playlist.m3u8&")) {
            // the Ti Top Streamer NVR API's form: /{app}/{stream}/playlist.m3u8&start_time=…&end_time=…
            return range(withQuery(req, rest.substring("playlist.m3u8&".length())));
        }
        if (!ObjectKeys.isStreamRelative(rest)) {
            throw HttpError.notFound("no such resource below /" + name.id() + "/");
        }
        Access a = req.access().requireStream(name.id());
        if (!rest.startsWith("init/")) {
            // an impossible date (month 13) names no segment: 404 without asking the store
            long hour = hourOf(rest);
            if (a.grant().hasRange()) {
                // a media segment starts in the UTC hour its path names and ends at most a segment later
                a.requireOverlap(hour, hour + 3_600_000 + MAX_SEGMENT_MS);
            }
        }
        return objects.serve(
                storagePrefix(req)
                        + keys.streamDir(name).substring(keys.prefix().length())
                        + rest,
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

    /** Longest segment a media segment's hour directory is widened by when checking a time-range grant. */
    private static final long MAX_SEGMENT_MS = 60_000;

    /** Unix ms of the {@code yyyy/MM/dd/HH} a segment path starts with. */
    private static long hourOf(String segmentPath) {
        try {
            return LocalDateTime.of(
                            Integer.parseInt(segmentPath.substring(0, 4)),
                            Integer.parseInt(segmentPath.substring(5, 7)),
                            Integer.parseInt(segmentPath.substring(8, 10)),
                            Integer.parseInt(segmentPath.substring(11, 13)),
                            0)
                    .toInstant(ZoneOffset.UTC)
                    .toEpochMilli();
        } catch (java.time.DateTimeException e) {
            throw HttpError.notFound("no such segment");
        }
    }

    private static Request withQuery(Request req, String glued) {
        Map<String, String> query = new LinkedHashMap<>(req.query());
        for (String pair : glued.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                query.putIfAbsent(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return new Request(req.method(), req.path(), req.pathParams(), query, req.headers(), req.body(), req.access());
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
