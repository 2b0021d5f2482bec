package io.kvr.edge.hls;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Rendered playlists of ranges that ended in the past, least recently used first out, bounded by their total
 * size. Such a range no longer changes (short of late segments or retention, which an entry outlives by at most
 * {@code ttlNanos}), so repeated requests — many viewers of one incident, a CDN refilling — cost a lookup
 * instead of an index query and a render (a 1 h range is 1,800 segments). Ranges that still reach into the present
 * may be kept for a shorter time ({@link #get(String, long, Supplier)}), as long as a live playlist may be stale.
 */
public final class SettledRangeCache {
    private final long maxBytes;
    private final long ttlNanos;
    private final LongSupplier nanoClock;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private final ConcurrentHashMap<String, ReentrantLock> rendering = new ConcurrentHashMap<>();
    private long bytes;

    private record Entry(byte[] playlist, long createdNanos, long ttlNanos) {}

    public SettledRangeCache(long maxBytes, long ttlNanos, LongSupplier nanoClock) {
        this.maxBytes = maxBytes;
        this.ttlNanos = ttlNanos;
        this.nanoClock = nanoClock;
    }

    /** The playlist under {@code key}, rendered by {@code render} when missing or older than the TTL. */
    public byte[] get(String key, Supplier<byte[]> render) {
        return get(key, ttlNanos, render);
    }

    /** The playlist under {@code key}, rendered by {@code render} when missing or older than {@code ttl}. */
    public byte[] get(String key, long ttl, Supplier<byte[]> render) {
        if (maxBytes <= 0 || ttl <= 0) {
            return render.get();
        }
        byte[] kept = fresh(key);
        if (kept != null) {
            return kept;
        }
        // one render per key at a time: when a popular range expires, the viewers asking meanwhile wait for that
        // render instead of all querying the index and rendering it again (a j.u.c. lock: a virtual thread
        // blocked in a monitor would pin its carrier); other keys never wait
        ReentrantLock lock = rendering.computeIfAbsent(key, k -> new ReentrantLock());
        lock.lock();
        try {
            kept = fresh(key);
            return kept != null ? kept : renderAndKeep(key, ttl, render);
        } finally {
            lock.unlock();
            rendering.remove(key, lock);
        }
    }

    private synchronized byte[] fresh(String key) {
        Entry e = entries.get(key);
        return e != null && nanoClock.getAsLong() - e.createdNanos < e.ttlNanos ? e.playlist : null;
    }

    private byte[] renderAndKeep(String key, long ttl, Supplier<byte[]> render) {
        byte[] playlist = render.get();
        if (playlist.length > maxBytes / 4) {
            return playlist; // one huge range must not flush everything else
        }
        synchronized (this) {
            Entry old = entries.put(key, new Entry(playlist, nanoClock.getAsLong(), ttl));
            bytes += playlist.length - (old == null ? 0 : old.playlist.length);
            for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
                    bytes > maxBytes && it.hasNext(); ) {
                bytes -= it.next().getValue().playlist.length;
                it.remove();
            }
        }
        return playlist;
    }
}
