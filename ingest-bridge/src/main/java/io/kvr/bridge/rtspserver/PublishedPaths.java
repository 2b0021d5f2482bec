package io.kvr.bridge.rtspserver;

import io.kvr.runtime.stream.StreamName;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The streams being published to this server now: one publisher per stream. Thread-safe. */
final class PublishedPaths {
    private final Set<StreamName> claimed = ConcurrentHashMap.newKeySet();

    /** Claims {@code name} for a publisher; false when another publisher has it. */
    boolean claim(StreamName name) {
        return claimed.add(name);
    }

    void release(StreamName name) {
        claimed.remove(name);
    }

    int size() {
        return claimed.size();
    }

    boolean published(StreamName name) {
        return claimed.contains(name);
    }
}
