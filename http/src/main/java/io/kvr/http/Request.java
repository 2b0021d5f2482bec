package io.kvr.http;

import io.kvr.http.access.AccessControl.Access;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as handlers see it; path parameters are already decoded. {@code access} is what the request's
 * credential allows, checked against the route's role before the handler runs ({@link HttpService}); routes
 * about one stream check the stream and time range on it.
 */
public record Request(
        String method,
        String path,
        Map<String, String> pathParams,
        Map<String, String> query,
        Map<String, List<String>> headers,
        byte[] body,
        Access access) {

    /** A request not yet authorized: it may use public routes only. */
    public Request(
            String method,
            String path,
            Map<String, String> pathParams,
            Map<String, String> query,
            Map<String, List<String>> headers,
            byte[] body) {
        this(method, path, pathParams, query, headers, body, Access.ANONYMOUS);
    }

    public Request withAccess(Access granted) {
        return new Request(method, path, pathParams, query, headers, body, granted);
    }

    public String param(String name) {
        return pathParams.get(name);
    }

    public Optional<String> queryParam(String name) {
        return Optional.ofNullable(query.get(name));
    }

    public Optional<String> header(String name) {
        for (var e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return Optional.of(e.getValue().get(0));
            }
        }
        return Optional.empty();
    }
}
