package io.kvr.media;

/**
 * The exception family of media-core. Callers sort failures by subtype: {@link MalformedMediaException} is bad
 * input (count and skip or dead-letter it), {@link UnsupportedMediaException} is valid input media-core does not
 * handle. Contract violations by the caller (negative durations, unknown track ids) are plain
 * {@link IllegalArgumentException}s: they are bugs, not bad media.
 */
public abstract sealed class MediaException extends RuntimeException
        permits MalformedMediaException, UnsupportedMediaException {

    protected MediaException(String message) {
        super(message);
    }

    protected MediaException(String message, Throwable cause) {
        super(message, cause);
    }
}
