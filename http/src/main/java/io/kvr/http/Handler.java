package io.kvr.http;

/** Serves one route. Throw {@link HttpError} for a 4xx with a reason. */
@FunctionalInterface
public interface Handler {
    Response handle(Request request) throws Exception;
}
