package io.kvr.exporter.plan;

import io.kvr.media.mp4.InitSegment;
import io.kvr.runtime.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Parsed init segments by object key, the most recently used kept in memory (a few hundred bytes each). */
public final class InitSegments {
    private static final int KEEP = 256;
    private final Function<String, byte[]> loader;
    private final Map<String, InitSegment> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, InitSegment> eldest) {
            return size() > KEEP;
        }
    };

    public InitSegments(ObjectStore store) {
        this(key -> {
            try (InputStream in = store.get(key)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read init segment " + key, e);
            }
        });
    }

    /** Init segments as {@code loader} reads them by object key. */
    public InitSegments(Function<String, byte[]> loader) {
        this.loader = loader;
    }

    public InitSegment get(String key) {
        synchronized (cache) {
            InitSegment cached = cache.get(key);
            if (cached != null) {
                return cached;
            }
        }
        InitSegment parsed = InitSegment.parse(loader.apply(key));
        synchronized (cache) {
            cache.put(key, parsed);
        }
        return parsed;
    }
}
