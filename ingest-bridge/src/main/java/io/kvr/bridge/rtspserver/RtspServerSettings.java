package io.kvr.bridge.rtspserver;

import io.kvr.runtime.config.Settings;
import java.time.Duration;

/**
 * The RTSP server's settings: {@code rtsp.enabled} (default false), {@code rtsp.host} (default {@code http.host}),
 * {@code rtsp.port} (default 8554), {@code rtsp.session.timeout} (default 60 s: a session without data or
 * keep-alive for this long is closed, RFC 2326 12.37) and {@code publish.open} (default false: every push is
 * refused with 401 until pushes are opened to anyone who reaches the port).
 */
public record RtspServerSettings(boolean enabled, String host, int port, Duration sessionTimeout, boolean publishOpen) {
    /** RFC 7826 C.2 gives 8554 as the alternative RTSP port for servers not run as root. */
    public static final int DEFAULT_PORT = 8554;

    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(60);

    public RtspServerSettings {
        if (sessionTimeout.isNegative() || sessionTimeout.isZero()) {
            throw new IllegalArgumentException("rtsp.session.timeout must be positive, not " + sessionTimeout);
        }
    }

    /** The server's settings, with {@code httpHost} as the default host. */
    public static RtspServerSettings from(Settings s, String httpHost) {
        Duration timeout = s.duration("rtsp.session.timeout", DEFAULT_SESSION_TIMEOUT);
        if (timeout.toSeconds() < 1) {
            s.problem("rtsp.session.timeout: at least 1 s, not " + timeout);
            timeout = DEFAULT_SESSION_TIMEOUT;
        }
        return new RtspServerSettings(
                s.bool("rtsp.enabled", false),
                s.string("rtsp.host", httpHost),
                s.integer("rtsp.port", DEFAULT_PORT, 0, 65535),
                timeout,
                s.bool("publish.open", false));
    }

    /** Off: no port is opened. */
    public static RtspServerSettings off() {
        return new RtspServerSettings(false, "127.0.0.1", DEFAULT_PORT, DEFAULT_SESSION_TIMEOUT, false);
    }
}
