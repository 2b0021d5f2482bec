package io.kvr.media;

/** The bitstream or configuration record does not follow its specification (truncated, bad syntax element). */
public final class MalformedMediaException extends MediaException {

    public MalformedMediaException(String message) {
        super(message);
    }

    public MalformedMediaException(String message, Throwable cause) {
        super(message, cause);
    }
}
