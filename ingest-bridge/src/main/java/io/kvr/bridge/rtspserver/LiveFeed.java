package io.kvr.bridge.rtspserver;

import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.StreamInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One live stream as this bridge relays it, shared by all its viewers here: the stream's latest {@code StreamInfo},
 * a cache of its units from the latest video keyframe on (so a new viewer's first picture comes at once), and the
 * viewers the units are handed to. Its reader ({@link FeedReader}) feeds it from the media topic on its own thread;
 * viewers join and leave from their connections' event loops. Thread-safe.
 *
 * <p>The cache is bounded ({@link #MAX_CACHED_UNITS}, {@link #MAX_CACHED_BYTES}): a stream whose keyframes are
 * further apart is cached from its next keyframe. An audio-only stream has no cache: every unit is a start.
 */
final class LiveFeed {
    static final int MAX_CACHED_UNITS = 3000;
    static final long MAX_CACHED_BYTES = 64L * 1024 * 1024;

    /** What a feed hands its units to; called on the feed's thread, so it must not block. */
    interface Viewer {
        /**
         * @param info the {@code StreamInfo} of the unit's session
         * @param live the unit arrived after the feed caught up with the topic (its latency is measured)
         */
        void unit(StreamInfo info, AccessUnit unit, boolean live);

        /** The feed stopped (the bridge shuts down, or the media topic cannot be read). */
        void ended(String reason);
    }

    /** What a viewer starts from: the session and the cached units, oldest first. */
    record Snapshot(StreamInfo info, List<AccessUnit> cached) {}

    private final StreamName stream;
    private final CompletableFuture<Optional<StreamInfo>> ready = new CompletableFuture<>();
    private final List<Viewer> viewers = new CopyOnWriteArrayList<>();
    private final ArrayDeque<AccessUnit> cache = new ArrayDeque<>();
    private final MeterRegistry registry;
    private final Gauge viewerGauge;
    private final Counter bytesOut;
    private final Counter dropped;
    private final Timer latency;
    private long cachedBytes;
    private StreamInfo info;
    private int videoTrack = -1;
    private boolean live;
    /** Guarded by the feeds' registry ({@link LiveFeeds}). */
    int references;
    /** Set once by the registry when it starts the reader. */
    AutoCloseable reader;

    LiveFeed(StreamName stream, MeterRegistry registry) {
        this.stream = stream;
        this.registry = registry;
        this.viewerGauge = Gauge.builder("kvr_bridge_relay_viewers", viewers, List::size)
                .description("RTSP players watching the stream live through this bridge")
                .tags("stream", stream.id())
                .register(registry);
        this.bytesOut = Counter.builder("kvr_bridge_relay_bytes")
                .description("RTP and RTCP bytes the live relay sent to players")
                .tags("stream", stream.id())
                .register(registry);
        this.dropped = Counter.builder("kvr_bridge_relay_dropped_units")
                .description("units not sent to a player behind its connection: it skipped to the next keyframe")
                .tags("stream", stream.id())
                .register(registry);
        // one timer for all streams, so the bench reads one p50/p99
        this.latency = Timer.builder("kvr_bridge_relay_latency")
                .description("from a unit's arrival at kvr to its first RTP packet leaving for a player")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    StreamName stream() {
        return stream;
    }

    /** Completes once the feed caught up with the topic: the stream's session when it is live, else empty. */
    CompletableFuture<Optional<StreamInfo>> ready() {
        return ready;
    }

    /** Adds a viewer; from now on it gets every unit after those of the snapshot. */
    synchronized Snapshot join(Viewer viewer) {
        viewers.add(viewer);
        return new Snapshot(info, List.copyOf(cache));
    }

    void leave(Viewer viewer) {
        viewers.remove(viewer);
    }

    int viewers() {
        return viewers.size();
    }

    // --- from the reader's thread

    /** A new session of the stream (its units follow). */
    synchronized void session(StreamInfo next) {
        info = next;
        cache.clear();
        cachedBytes = 0;
        videoTrack = -1;
        for (RelayTrack t : RelayTrack.of(next)) {
            if (t.video()) {
                videoTrack = t.track();
                break;
            }
        }
    }

    /** Whether {@code sessionId} is the feed's current session. */
    synchronized boolean inSession(String sessionId) {
        return info != null && info.getIngestSessionId().equals(sessionId);
    }

    /** A whole unit of the current session. */
    synchronized void unit(AccessUnit unit) {
        if (info == null || !info.getIngestSessionId().equals(unit.getIngestSessionId())) {
            return;
        }
        cache(unit);
        // under the lock, so a viewer joining now gets the unit either in its snapshot or here, never both;
        // handing on only queues the unit on the viewer's event loop
        for (Viewer v : viewers) {
            v.unit(info, unit, live);
        }
    }

    private void cache(AccessUnit unit) {
        if (videoTrack < 0) {
            return;
        }
        if (unit.getTrack() == videoTrack && unit.getKeyframe()) {
            cache.clear();
            cachedBytes = 0;
        } else if (cache.isEmpty()) {
            return; // nothing to start from before the next keyframe
        }
        cache.add(unit);
        cachedBytes += unit.getPayload().remaining();
        if (cache.size() > MAX_CACHED_UNITS || cachedBytes > MAX_CACHED_BYTES) {
            cache.clear();
            cachedBytes = 0;
        }
    }

    /** The reader reached the end of the topic as it was when it started. */
    void caughtUp() {
        StreamInfo current;
        synchronized (this) {
            live = true;
            current = info;
        }
        ready.complete(Optional.ofNullable(current));
    }

    /** The feed ends: viewers are told, a DESCRIBE waiting for it learns the stream is not live here. */
    void end(String reason) {
        ready.complete(Optional.empty());
        for (Viewer v : viewers) {
            v.ended(reason);
        }
        viewers.clear();
    }

    // --- meters, from the viewers

    void sent(long bytes) {
        bytesOut.increment(bytes);
    }

    void dropped(long units) {
        dropped.increment(units);
    }

    void latency(long arrivalMs) {
        latency.record(Math.max(0, System.currentTimeMillis() - arrivalMs), TimeUnit.MILLISECONDS);
    }

    /** Removes the stream's meters (the latency timer is shared and stays). */
    void removeMeters() {
        registry.remove(viewerGauge);
        registry.remove(bytesOut);
        registry.remove(dropped);
    }
}
