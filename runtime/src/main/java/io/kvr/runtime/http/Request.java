package io.kvr.runtime.http;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One HTTP request as handlers see it; path parameters are already decoded. */
public record Request(String method, String path, Map<String, String> pathParams, Map<String, String> query,
                      Map<String, List<String>> headers, byte[] body) {

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
