package io.kvr.runtime.storage;

import java.io.IOException;
import java.io.InputStream;

/** An open object (or a byte range of it): its bytes, their count and the object's ETag. Close it. */
public record StoredObject(InputStream stream, long length, String etag) implements AutoCloseable {
    @Override
    public void close() throws IOException {
        stream.close();
    }
}
