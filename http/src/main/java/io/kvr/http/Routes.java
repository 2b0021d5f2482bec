package io.kvr.http;

/** A group of routes an app contributes to a (possibly shared) HTTP server. */
@FunctionalInterface
public interface Routes {
    void register(Router router);
}
