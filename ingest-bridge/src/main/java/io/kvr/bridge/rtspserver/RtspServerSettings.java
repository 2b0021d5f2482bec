package io.kvr.bridge.rtspserver;

import io.kvr.bridge.camera.CameraConfig;
import io.kvr.runtime.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The RTSP server's settings: {@code rtsp.enabled} (default false), {@code rtsp.host} (default {@code http.host}),
 * {@code rtsp.port} (default 8554), {@code rtsp.session.timeout} (default 60 s: a session without data or
 * keep-alive for this long is closed, RFC 2326 12.37) and {@code publish.open} (default false: every push is
 * refused with 401 until pushes are opened to anyone who reaches the port), {@code rtsp.request.timeout} (default
 * 10 s: an RTSP request begun must be whole within this, so a peer sending a byte at a time cannot hold a
 * connection), {@code rtsp.max.connections} (default 256: connections over this are closed at once), {@code
 * rtsp.udp.ports} (default any free: the local ports tracks set up over UDP bind, e.g. {@code 40000-40999}) and
 * {@code rtsp.clock} ({@code camera}, the default as for pulled cameras: capture times from the publisher's RTCP
 * sender reports when sane; {@code server}: from arrival), {@code rtsp.tls.port} (default off: the same server over
 * TLS, {@code rtsps://}, on this port, with the certificate and key of {@code rtsp.tls.cert} and {@code
 * rtsp.tls.key}, which default to the edge's {@code http.tls.cert} and {@code http.tls.key}) and {@code
 * rtsp.max.viewers} (default 256: players watching through this instance; over it DESCRIBE and SETUP answer 453).
 */
public record RtspServerSettings(
        boolean enabled,
        String host,
        int port,
        Duration sessionTimeout,
        boolean publishOpen,
        Duration requestTimeout,
        int maxConnections,
        UdpPortRange udpPorts,
        String clock,
        int tlsPort,
        Path tlsCert,
        Path tlsKey,
        int maxViewers) {
    /** RFC 7826 C.2 gives 8554 as the alternative RTSP port for servers not run as root. */
    public static final int DEFAULT_PORT = 8554;

    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    public static final int DEFAULT_MAX_VIEWERS = 256;
    /** {@link #tlsPort} of a server without TLS. */
    public static final int NO_TLS = -1;

    public RtspServerSettings {
        if (sessionTimeout.isNegative() || sessionTimeout.isZero()) {
            throw new IllegalArgumentException("rtsp.session.timeout must be positive, not " + sessionTimeout);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("rtsp.request.timeout must be positive, not " + requestTimeout);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("rtsp.max.connections must be at least 1, not " + maxConnections);
        }
        if (!CameraConfig.CLOCK_CAMERA.equals(clock) && !CameraConfig.CLOCK_SERVER.equals(clock)) {
            throw new IllegalArgumentException("rtsp.clock must be camera or server, not " + clock);
        }
        if (tlsPort != NO_TLS && (tlsPort < 0 || tlsPort > 65535 || tlsCert == null || tlsKey == null)) {
            throw new IllegalArgumentException("rtsp.tls.port needs a port and both rtsp.tls.cert and rtsp.tls.key");
        }
        if (maxViewers < 1) {
            throw new IllegalArgumentException("rtsp.max.viewers must be at least 1, not " + maxViewers);
        }
    }

    /** Without TLS, at most {@link #DEFAULT_MAX_VIEWERS} players. */
    public RtspServerSettings(
            boolean enabled,
            String host,
            int port,
            Duration sessionTimeout,
            boolean publishOpen,
            Duration requestTimeout,
            int maxConnections,
            UdpPortRange udpPorts,
            String clock) {
        this(
                enabled,
                host,
                port,
                sessionTimeout,
                publishOpen,
                requestTimeout,
                maxConnections,
                udpPorts,
                clock,
                NO_TLS,
                null,
                null,
                DEFAULT_MAX_VIEWERS);
    }

    /** True when the server also listens for RTSP over TLS. */
    public boolean tls() {
        return tlsPort != NO_TLS;
    }

    /** These settings with RTSP over TLS on {@code port} (0: any free port) with the PEM {@code cert} and {@code key}. */
    public RtspServerSettings withTls(int port, Path cert, Path key) {
        return new RtspServerSettings(
                enabled,
                host,
                this.port,
                sessionTimeout,
                publishOpen,
                requestTimeout,
                maxConnections,
                udpPorts,
                clock,
                port,
                cert,
                key,
                maxViewers);
    }

    /** These settings with at most {@code max} players at once. */
    public RtspServerSettings withMaxViewers(int max) {
        return new RtspServerSettings(
                enabled,
                host,
                port,
                sessionTimeout,
                publishOpen,
                requestTimeout,
                maxConnections,
                udpPorts,
                clock,
                tlsPort,
                tlsCert,
                tlsKey,
                max);
    }

    /** The defaults for everything past {@code publishOpen}. */
    public RtspServerSettings(boolean enabled, String host, int port, Duration sessionTimeout, boolean publishOpen) {
        this(enabled, host, port, sessionTimeout, publishOpen, DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_CONNECTIONS);
    }

    /** Any free UDP ports, capture times from the publisher's clock when sane. */
    public RtspServerSettings(
            boolean enabled,
            String host,
            int port,
            Duration sessionTimeout,
            boolean publishOpen,
            Duration requestTimeout,
            int maxConnections) {
        this(
                enabled,
                host,
                port,
                sessionTimeout,
                publishOpen,
                requestTimeout,
                maxConnections,
                UdpPortRange.ANY,
                CameraConfig.CLOCK_CAMERA);
    }

    /** The default request timeout and connection limit. */
    public RtspServerSettings(
            boolean enabled,
            String host,
            int port,
            Duration sessionTimeout,
            boolean publishOpen,
            UdpPortRange udpPorts,
            String clock) {
        this(
                enabled,
                host,
                port,
                sessionTimeout,
                publishOpen,
                DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_MAX_CONNECTIONS,
                udpPorts,
                clock);
    }

    /** The server's settings, with {@code httpHost} as the default host. */
    public static RtspServerSettings from(Settings s, String httpHost) {
        Duration timeout = s.duration("rtsp.session.timeout", DEFAULT_SESSION_TIMEOUT);
        if (timeout.toSeconds() < 1) {
            s.problem("rtsp.session.timeout: at least 1 s, not " + timeout);
            timeout = DEFAULT_SESSION_TIMEOUT;
        }
        Duration requestTimeout = s.duration("rtsp.request.timeout", DEFAULT_REQUEST_TIMEOUT);
        if (requestTimeout.toMillis() < 100) {
            s.problem("rtsp.request.timeout: at least 100 ms, not " + requestTimeout);
            requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        }
        UdpPortRange udp = UdpPortRange.ANY;
        try {
            udp = UdpPortRange.parse(s.string("rtsp.udp.ports", ""));
        } catch (IllegalArgumentException e) {
            s.problem("rtsp.udp.ports: " + e.getMessage());
        }
        String clock = s.string("rtsp.clock", CameraConfig.CLOCK_CAMERA).strip().toLowerCase(Locale.ROOT);
        if (!clock.equals(CameraConfig.CLOCK_CAMERA) && !clock.equals(CameraConfig.CLOCK_SERVER)) {
            s.problem("rtsp.clock: camera or server, not " + clock);
            clock = CameraConfig.CLOCK_CAMERA;
        }
        // RTSPS serves the edge's certificate unless it is given its own
        String cert = s.string("rtsp.tls.cert", s.string("http.tls.cert", "")).strip();
        String key = s.string("rtsp.tls.key", s.string("http.tls.key", "")).strip();
        int tlsPort = s.integer("rtsp.tls.port", NO_TLS, NO_TLS, 65535);
        if (tlsPort != NO_TLS && (cert.isEmpty() || key.isEmpty())) {
            s.problem("rtsp.tls.port: needs a certificate and key (rtsp.tls.cert and rtsp.tls.key, or http.tls.cert"
                    + " and http.tls.key)");
            tlsPort = NO_TLS;
        }
        return new RtspServerSettings(
                s.bool("rtsp.enabled", false),
                s.string("rtsp.host", httpHost),
                s.integer("rtsp.port", DEFAULT_PORT, 0, 65535),
                timeout,
                s.bool("publish.open", false),
                requestTimeout,
                s.integer("rtsp.max.connections", DEFAULT_MAX_CONNECTIONS, 1, 100_000),
                udp,
                clock,
                tlsPort,
                tlsPort == NO_TLS ? null : Path.of(cert),
                tlsPort == NO_TLS ? null : Path.of(key),
                s.integer("rtsp.max.viewers", DEFAULT_MAX_VIEWERS, 1, 100_000));
    }

    /** Off: no port is opened. */
    public static RtspServerSettings off() {
        return new RtspServerSettings(false, "127.0.0.1", DEFAULT_PORT, DEFAULT_SESSION_TIMEOUT, false);
    }
}
