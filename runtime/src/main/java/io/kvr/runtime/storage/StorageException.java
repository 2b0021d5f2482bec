package io.kvr.runtime.storage;

/** Object storage failed; usually transient (retry with backoff). */
public final class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
