package io.kvr.edge.hls;

import io.kvr.index.IndexedSegment;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Live windows and their rendered playlists, kept between segment arrivals. A stream's window is fetched from
 * the index at most once per {@code revalidateNanos} however many viewers poll (concurrent pollers of an
 * expired window wait for one fetch); the playlist text is rendered again only when the window changed (a new
 * segment arrived), so most requests cost a map lookup. Staleness is bounded by {@code revalidateNanos},
 * well under the half segment a live playlist may be cached for by HTTP caches anyway.
 */
public final class LiveWindowCache {
    private final long revalidateNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public LiveWindowCache(long revalidateNanos, LongSupplier nanoClock) {
        this.revalidateNanos = revalidateNanos;
        this.nanoClock = nanoClock;
    }

    /** The window under {@code key}, from {@code fetch} when older than the revalidation interval. */
    public Window get(String key, Supplier<List<IndexedSegment>> fetch) {
        Window w = windows.get(key);
        if (fresh(w)) {
            return w;
        }
        // a j.u.c. lock, not synchronized/compute: the fetch may be an HTTP call to the indexer, and a virtual
        // thread blocked inside a monitor pins its carrier on Java 21
        ReentrantLock lock = locks.computeIfAbsent(key, k -> new ReentrantLock());
        lock.lock();
        try {
            Window old = windows.get(key);
            if (fresh(old)) {
                return old; // another poller just refreshed it
            }
            List<IndexedSegment> segments = List.copyOf(fetch.get());
            if (segments.isEmpty()) {
                // unknown streams are not kept: requests for made-up names must not grow the cache
                windows.remove(key);
                locks.remove(key);
                return new Window(segments, nanoClock.getAsLong(), null);
            }
            Window next = old != null && sameWindow(old.segments, segments)
                    ? old.checkedAt(nanoClock.getAsLong())
                    : new Window(segments, nanoClock.getAsLong(), null);
            windows.put(key, next);
            return next;
        } finally {
            lock.unlock();
        }
    }

    private boolean fresh(Window w) {
        return w != null && nanoClock.getAsLong() - w.checkedNanos < revalidateNanos;
    }

    /** The same segments (ordinals name segments; a replaced segment keeps its key and ordinal). */
    private static boolean sameWindow(List<IndexedSegment> a, List<IndexedSegment> b) {
        if (a.size() != b.size()) {
            return false;
        }
        return a.isEmpty()
                || (a.get(0).ordinal() == b.get(0).ordinal()
                        && a.get(a.size() - 1).ordinal() == b.get(b.size() - 1).ordinal());
    }

    /** One stream's window; {@link #text} renders the token-less playlist once per window. */
    public static final class Window {
        private final List<IndexedSegment> segments;
        private final long checkedNanos;
        private volatile String text;
        private volatile byte[] utf8;

        private Window(List<IndexedSegment> segments, long checkedNanos, String text) {
            this.segments = segments;
            this.checkedNanos = checkedNanos;
            this.text = text;
        }

        private Window checkedAt(long nanos) {
            Window w = new Window(segments, nanos, text);
            w.utf8 = utf8;
            return w;
        }

        public List<IndexedSegment> segments() {
            return segments;
        }

        /** The playlist rendered by {@code render}, computed once for this window (a benign race at most twice). */
        public String text(Function<List<IndexedSegment>, String> render) {
            String t = text;
            if (t == null) {
                t = render.apply(segments);
                text = t;
            }
            return t;
        }

        /** {@link #text} as UTF-8, encoded once for this window (every poll of every viewer sends these bytes). */
        public byte[] utf8(Function<List<IndexedSegment>, String> render) {
            byte[] b = utf8;
            if (b == null) {
                b = text(render).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                utf8 = b;
            }
            return b;
        }
    }
}
