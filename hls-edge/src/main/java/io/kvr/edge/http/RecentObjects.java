package io.kvr.edge.http;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bytes of recently served segments and init segments, least recently used first out, bounded by their total
 * size. Segment keys are never reused for other bytes (immutable objects), so an entry never goes stale; live
 * viewers all ask for the same few newest segments, which then cost a memory copy instead of an object storage
 * round trip. Objects larger than {@link #maxEntryBytes()} are never kept (they stream from storage).
 */
public final class RecentObjects {
    private final long maxBytes;
    private final long maxEntryBytes;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;

    /** An object's bytes and ETag (as storage gave it, may be null). */
    public record Entry(byte[] bytes, String etag) {}

    /** {@code maxBytes} 0 turns the cache off; one object may take at most an eighth of it. */
    public RecentObjects(long maxBytes) {
        this.maxBytes = maxBytes;
        this.maxEntryBytes = maxBytes / 8;
    }

    public long maxEntryBytes() {
        return maxEntryBytes;
    }

    public synchronized Entry get(String key) {
        return entries.get(key);
    }

    public void put(String key, Entry entry) {
        if (maxBytes <= 0 || entry.bytes.length > maxEntryBytes) {
            return;
        }
        synchronized (this) {
            Entry old = entries.put(key, entry);
            bytes += entry.bytes.length - (old == null ? 0 : old.bytes.length);
            for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
                    bytes > maxBytes && it.hasNext(); ) {
                bytes -= it.next().getValue().bytes.length;
                it.remove();
            }
        }
    }

    synchronized long bytes() {
        return bytes;
    }
}
