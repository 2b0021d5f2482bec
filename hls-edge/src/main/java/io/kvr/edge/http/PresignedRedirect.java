package io.kvr.edge.http;

import io.kvr.http.HttpError;
import io.kvr.http.Response;
import io.kvr.runtime.storage.PresignedUrls;
import io.kvr.runtime.storage.StorageException;
import java.time.Duration;

/**
 * Offloads segment bytes to object storage (or a CDN in front of it): {@code 302} to a presigned GET URL.
 * Clients send their {@code Range} header to that URL themselves. The object is not looked up first (that
 * would cost the round trip the redirect saves): a missing object is the store's 404. The redirect may be
 * cached for half the URL's lifetime — privately when viewers need a token, so a shared cache never hands it
 * to someone else.
 */
public final class PresignedRedirect implements ObjectDelivery {
    private final PresignedUrls urls;
    private final Duration expiry;
    private final String cacheControl;

    public PresignedRedirect(PresignedUrls urls, Duration expiry, boolean accessControlled) {
        this.urls = urls;
        this.expiry = expiry;
        long maxAge = Math.min(expiry.toSeconds() / 2, 3600);
        this.cacheControl = (accessControlled ? "private" : "public") + ", max-age=" + maxAge;
    }

    @Override
    public Response serve(String key, String rangeHeader) {
        try {
            return Response.empty(302).header("Location", urls.get(key, expiry)).header("Cache-Control", cacheControl);
        } catch (StorageException e) {
            throw new HttpError(503, "object storage unavailable");
        }
    }
}
