package io.kvr.http;

/** A body that is not one JSON value within {@link Json}'s limits; the message is fit to answer a client with. */
public final class InvalidJsonException extends IllegalArgumentException {
    public InvalidJsonException(String reason) {
        super(reason);
    }
}
