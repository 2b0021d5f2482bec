package io.kvr.edge.http;

import io.kvr.http.Response;

/** How segment and init bytes reach clients: proxied from object storage, or a redirect to it. */
public interface ObjectDelivery {
    /** The answer for object {@code key} (already checked against the key layout); {@code rangeHeader} may be null. */
    Response serve(String key, String rangeHeader);
}
