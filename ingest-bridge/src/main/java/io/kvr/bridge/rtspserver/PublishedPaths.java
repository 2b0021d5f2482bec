package io.kvr.bridge.rtspserver;

import io.kvr.runtime.stream.StreamName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The streams being published to this instance now: one publisher per stream, from ANNOUNCE to the connection's
 * end. The HTTP API lists them with the pulled cameras and ends them on {@code DELETE}. Thread-safe.
 */
public final class PublishedPaths {
    private final ConcurrentMap<StreamName, Publication> claimed = new ConcurrentHashMap<>();

    /** Claims the publication's stream; false when another publisher has it. */
    boolean claim(Publication publication) {
        return claimed.putIfAbsent(publication.name(), publication) == null;
    }

    /** Releases the stream when {@code publication} still holds it. */
    void release(Publication publication) {
        claimed.remove(publication.name(), publication);
    }

    int size() {
        return claimed.size();
    }

    public boolean published(StreamName name) {
        return claimed.containsKey(name);
    }

    public Optional<Publication> get(StreamName name) {
        return Optional.ofNullable(claimed.get(name));
    }

    /** The publications now, in no order. */
    public List<Publication> all() {
        return new ArrayList<>(claimed.values());
    }
}
