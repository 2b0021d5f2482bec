/**
 * The HTTP server of every kvr port (Netty: HTTP/1.1, and HTTP/2 over TLS), its router, request limits, JSON
 * bodies and errors, and {@code /health} and {@code /metrics}.
 */
package io.kvr.http;
