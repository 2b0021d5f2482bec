package io.kvr.runtime.index;

/** The index could not be asked (not running yet, restoring, or unreachable). Transient. */
public final class IndexUnavailableException extends RuntimeException {
    public IndexUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
