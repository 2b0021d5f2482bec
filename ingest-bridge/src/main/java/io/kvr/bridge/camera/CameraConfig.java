package io.kvr.bridge.camera;

import io.kvr.runtime.config.Secrets;
import io.kvr.runtime.stream.StreamName;
import java.util.Locale;

/**
 * One camera: the stream it records into, its URL (may hold credentials: never logged; {@link #toString()}
 * redacts them) and the RTSP transport ({@code tcp} or {@code udp}).
 */
public record CameraConfig(StreamName name, String url, String transport) {
    public CameraConfig {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("camera " + name + ": url is required");
        }
        transport = transport == null || transport.isBlank() ? "tcp" : transport.toLowerCase(Locale.ROOT);
        if (!transport.equals("tcp") && !transport.equals("udp")) {
            throw new IllegalArgumentException("camera " + name + ": transport must be tcp or udp, not " + transport);
        }
    }

    public String redactedUrl() {
        return Secrets.redactUrl(url);
    }

    public boolean isRtsp() {
        String u = url.toLowerCase(Locale.ROOT);
        return u.startsWith("rtsp://") || u.startsWith("rtsps://");
    }

    @Override
    public String toString() {
        return "CameraConfig[" + name + ", " + redactedUrl() + ", " + transport + "]";
    }
}
