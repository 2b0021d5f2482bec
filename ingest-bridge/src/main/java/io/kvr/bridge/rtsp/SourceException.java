package io.kvr.bridge.rtsp;

import io.kvr.runtime.config.Secrets;

/** A source could not be opened or read. Its message never holds credentials. */
public final class SourceException extends Exception {
    public SourceException(String message, Throwable cause) {
        super(Secrets.redactUrl(message), null, false, false);
        if (cause != null) {
            // keep the type and redacted message of the cause, never its raw text
            addSuppressed(
                    new Exception(
                            cause.getClass().getSimpleName() + ": "
                                    + Secrets.redactUrl(String.valueOf(cause.getMessage())),
                            null,
                            false,
                            false) {});
        }
    }
}
