package io.kvr.edge.http;

import io.kvr.http.ByteRange;
import io.kvr.http.HttpError;
import io.kvr.http.Response;
import io.kvr.runtime.storage.ObjectInfo;
import io.kvr.runtime.storage.ObjectStore;
import io.kvr.runtime.storage.StorageException;
import io.kvr.runtime.storage.StoredObject;
import java.util.Optional;

/**
 * Serves objects from storage to clients: single byte ranges ({@code 206}), {@code Accept-Ranges}, {@code ETag}, and
 * immutable caching (segment keys are never reused for other bytes). Objects up to
 * {@link RecentObjects#maxEntryBytes()} are read whole once and then served from {@link RecentObjects} (live viewers
 * all fetch the same newest segments); larger ones stream from storage, never buffered whole.
 */
public final class ObjectProxy implements ObjectDelivery {
    private final ObjectStore store;
    private final RecentObjects recent;

    public ObjectProxy(ObjectStore store, RecentObjects recent) {
        this.store = store;
        this.recent = recent;
    }

    @Override
    public Response serve(String key, String rangeHeader) {
        try {
            RecentObjects.Entry kept = recent.get(key);
            if (kept == null && recent.maxEntryBytes() > 0) {
                // one GET of the whole object: kept when small enough, else streamed (or reopened for a range)
                StoredObject o = store.open(key, 0, -1).orElseThrow(() -> HttpError.notFound("no such object"));
                if (o.length() >= 0 && o.length() <= recent.maxEntryBytes()) {
                    try (o) {
                        byte[] bytes = o.stream().readNBytes((int) o.length());
                        if (bytes.length != o.length()) {
                            throw new HttpError(503, "object storage sent a short object");
                        }
                        kept = new RecentObjects.Entry(bytes, o.etag());
                        recent.put(key, kept);
                    }
                } else if (rangeHeader == null) {
                    return body(200, key, o);
                } else {
                    o.close();
                }
            }
            if (kept != null) {
                return fromMemory(key, kept, rangeHeader);
            }
            if (rangeHeader == null) {
                StoredObject o = store.open(key, 0, -1).orElseThrow(() -> HttpError.notFound("no such object"));
                return body(200, key, o);
            }
            ObjectInfo info = store.stat(key).orElseThrow(() -> HttpError.notFound("no such object"));
            Optional<ByteRange> range = ByteRange.satisfiable(rangeHeader, info.size());
            if (range.isEmpty()) {
                return Response.empty(416).header("Content-Range", ByteRange.unsatisfiedContentRange(info.size()));
            }
            Optional<StoredObject> part =
                    store.open(key, range.get().first(), range.get().length());
            StoredObject o = part.orElseThrow(() -> HttpError.notFound("no such object"));
            return body(206, key, o).header("Content-Range", range.get().contentRange(info.size()));
        } catch (StorageException | java.io.IOException e) {
            throw new HttpError(503, "object storage unavailable");
        }
    }

    private static Response fromMemory(String key, RecentObjects.Entry kept, String rangeHeader) {
        byte[] bytes = kept.bytes();
        if (rangeHeader == null) {
            // the kept bytes go to the connection as they are: no copy per viewer
            return headers(Response.bytes(200, contentType(key), bytes), kept.etag());
        }
        Optional<ByteRange> range = ByteRange.satisfiable(rangeHeader, bytes.length);
        if (range.isEmpty()) {
            return Response.empty(416).header("Content-Range", ByteRange.unsatisfiedContentRange(bytes.length));
        }
        int from = (int) range.get().first();
        int length = (int) range.get().length();
        return headers(Response.bytes(206, contentType(key), bytes, from, length), kept.etag())
                .header("Content-Range", range.get().contentRange(bytes.length));
    }

    private static Response body(int status, String key, StoredObject o) {
        Response r = Response.stream(
                        status, contentType(key), o.length(), out -> o.stream().transferTo(out))
                .closing(o);
        return headers(r, o.etag());
    }

    private static String contentType(String key) {
        return key.endsWith(".m4s") ? "video/iso.segment" : "video/mp4";
    }

    private static Response headers(Response r, String etag) {
        r.header("Accept-Ranges", "bytes").header("Cache-Control", "public, max-age=31536000, immutable");
        if (etag != null) {
            r.header("ETag", etag.startsWith("\"") ? etag : "\"" + etag + "\"");
        }
        return r;
    }
}
