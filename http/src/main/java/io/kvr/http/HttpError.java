package io.kvr.http;

/** A request that cannot be served: its status (4xx) and a reason the client can read. */
public final class HttpError extends RuntimeException {
    private final int status;

    public HttpError(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public static HttpError badRequest(String reason) {
        return new HttpError(400, reason);
    }

    public static HttpError notFound(String reason) {
        return new HttpError(404, reason);
    }

    public int status() {
        return status;
    }
}
