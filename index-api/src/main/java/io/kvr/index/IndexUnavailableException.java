package io.kvr.index;

import io.kvr.runtime.config.Secrets;

/**
 * The index could not be asked (not running yet, restoring, or unreachable). Transient. Its message is answered to
 * HTTP clients and names the index URL, so credentials in it are redacted.
 */
public final class IndexUnavailableException extends RuntimeException {
    public IndexUnavailableException(String message, Throwable cause) {
        super(Secrets.redactUrl(message), cause);
    }
}
