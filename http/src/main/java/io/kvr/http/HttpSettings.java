package io.kvr.http;

import io.kvr.runtime.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The settings of every kvr HTTP server (each app reads the same keys; only the default port differs):
 * <ul>
 *   <li>{@code http.host}, {@code http.port} — where it listens;
 *   <li>{@code http.tls.cert}, {@code http.tls.key} — PEM files (certificate chain, PKCS#8 or PKCS#1 key): with both
 *       the server speaks HTTPS only; they are read again when they change on disk (a renewed certificate needs no
 *       restart);
 *   <li>{@code http.allowed.hosts} — host names a request's {@code Host} header may name (comma list, {@code *} for
 *       any); the listen address, {@code localhost}, {@code 127.0.0.1} and {@code [::1]} always, and any IP literal
 *       when listening on all interfaces. A browser tricked by DNS rebinding sends the attacker's host name, which
 *       is refused (421);
 *   <li>{@code http.connections.max} — open connections at most (default 1024); one more is answered 503 and
 *       closed;
 *   <li>{@code http.header.timeout} — time from a request's first byte until its header section is complete,
 *       however slowly the bytes keep coming (default 10s; also how long a new connection may stay silent);
 *   <li>{@code http.body.timeout} — time to receive a request's whole body once its head is in (default 30s);
 *   <li>{@code http.idle.timeout} — how long a kept-alive connection may wait for its next request (default 60s);
 *   <li>{@code http.write.timeout} — how long an answer may stall on a client that stopped reading (default 60s);
 *   <li>{@code http.body.max.bytes} — largest request body (default 1 MiB), refused (413) before any byte of it is
 *       read.
 * </ul>
 */
public record HttpSettings(
        String host,
        int port,
        Path tlsCert,
        Path tlsKey,
        List<String> allowedHosts,
        int maxConnections,
        Duration headerTimeout,
        Duration bodyTimeout,
        Duration idleTimeout,
        Duration writeTimeout,
        int maxBodyBytes) {
    public static final int MAX_REQUEST_LINE = 8192;
    public static final int MAX_HEADER_BYTES = 64 * 1024;
    public static final int MAX_HEADERS = 200;

    public HttpSettings {
        allowedHosts = List.copyOf(allowedHosts);
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("http.tls.cert and http.tls.key go together");
        }
    }

    /** Plain HTTP on {@code host:port} with the defaults. */
    public static HttpSettings of(String host, int port) {
        return new HttpSettings(
                host,
                port,
                null,
                null,
                List.of(),
                1024,
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                Duration.ofSeconds(60),
                Duration.ofSeconds(60),
                1024 * 1024);
    }

    /** The server's settings; {@code defaultPort} is the app's own. */
    public static HttpSettings from(Settings s, int defaultPort) {
        String cert = s.string("http.tls.cert", "").trim();
        String key = s.string("http.tls.key", "").trim();
        if (cert.isEmpty() != key.isEmpty()) {
            s.problem("http.tls.cert and http.tls.key must be set together");
        }
        for (String[] f : new String[][] {{"http.tls.cert", cert}, {"http.tls.key", key}}) {
            if (!f[1].isEmpty() && !Files.isReadable(Path.of(f[1]))) {
                s.problem(f[0] + ": cannot read " + f[1]);
            }
        }
        boolean tls = !cert.isEmpty() && !key.isEmpty();
        HttpSettings d = of("127.0.0.1", defaultPort);
        HttpSettings settings = new HttpSettings(
                s.string("http.host", d.host()),
                s.integer("http.port", defaultPort, 0, 65535),
                tls ? Path.of(cert) : null,
                tls ? Path.of(key) : null,
                Arrays.stream(s.string("http.allowed.hosts", "").split(","))
                        .map(String::trim)
                        .filter(h -> !h.isEmpty())
                        .toList(),
                s.integer("http.connections.max", d.maxConnections(), 1, 1_000_000),
                positive(s, "http.header.timeout", d.headerTimeout()),
                positive(s, "http.body.timeout", d.bodyTimeout()),
                positive(s, "http.idle.timeout", d.idleTimeout()),
                positive(s, "http.write.timeout", d.writeTimeout()),
                s.integer("http.body.max.bytes", d.maxBodyBytes(), 0, 64 * 1024 * 1024));
        s.validate();
        return settings;
    }

    private static Duration positive(Settings s, String key, Duration defaultValue) {
        Duration d = s.duration(key, defaultValue);
        if (d.isNegative() || d.isZero()) {
            s.problem(key + " must be positive");
            return defaultValue;
        }
        return d;
    }

    public boolean tls() {
        return tlsCert != null;
    }

    public HttpSettings withTls(Path cert, Path key) {
        return new HttpSettings(
                host,
                port,
                cert,
                key,
                allowedHosts,
                maxConnections,
                headerTimeout,
                bodyTimeout,
                idleTimeout,
                writeTimeout,
                maxBodyBytes);
    }

    public HttpSettings withMaxConnections(int max) {
        return new HttpSettings(
                host,
                port,
                tlsCert,
                tlsKey,
                allowedHosts,
                max,
                headerTimeout,
                bodyTimeout,
                idleTimeout,
                writeTimeout,
                maxBodyBytes);
    }

    public HttpSettings withTimeouts(Duration header, Duration body, Duration idle) {
        return new HttpSettings(
                host,
                port,
                tlsCert,
                tlsKey,
                allowedHosts,
                maxConnections,
                header,
                body,
                idle,
                writeTimeout,
                maxBodyBytes);
    }
}
