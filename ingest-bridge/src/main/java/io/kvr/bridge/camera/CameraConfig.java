package io.kvr.bridge.camera;

import io.kvr.runtime.config.Secrets;
import io.kvr.runtime.stream.StreamName;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One camera: the stream it records into, its URL, the RTSP transport, the capture clock, and optional credentials
 * kept apart from the URL. The URL and the password may hold secrets: they are never logged, and
 * {@link #toString()} redacts them.
 *
 * @param transport {@code tcp} (RTSP interleaved, default), {@code udp}, or {@code auto} (UDP, falling back to TCP
 *     when no packet arrives); {@code rtsps://} always uses TCP
 * @param clock {@code camera} (default: the camera's RTCP sender reports when present and sane, else the server's
 *     arrival clock) or {@code server} (always the arrival clock)
 * @param username user for RTSP Basic/Digest authentication, inserted into the URL at open time; empty when the
 *     URL carries its own credentials or none are needed
 * @param password the user's password; empty when none
 */
public record CameraConfig(
        StreamName name, String url, String transport, String clock, String username, String password) {
    public static final String TCP = "tcp";
    public static final String UDP = "udp";
    public static final String AUTO = "auto";
    public static final String CLOCK_CAMERA = "camera";
    public static final String CLOCK_SERVER = "server";
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://");
    private static final Pattern USERINFO = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/\\s]*@.*", Pattern.DOTALL);

    public CameraConfig {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("camera " + name + ": url is required");
        }
        transport = transport == null || transport.isBlank() ? TCP : transport.toLowerCase(Locale.ROOT);
        if (!transport.equals(TCP) && !transport.equals(UDP) && !transport.equals(AUTO)) {
            throw new IllegalArgumentException(
                    "camera " + name + ": transport must be tcp, udp or auto, not " + transport);
        }
        clock = clock == null || clock.isBlank() ? CLOCK_CAMERA : clock.toLowerCase(Locale.ROOT);
        if (!clock.equals(CLOCK_CAMERA) && !clock.equals(CLOCK_SERVER)) {
            throw new IllegalArgumentException("camera " + name + ": clock must be camera or server, not " + clock);
        }
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        if (username.isEmpty() && !password.isEmpty()) {
            throw new IllegalArgumentException("camera " + name + ": a password needs a username");
        }
        if (!username.isEmpty() && USERINFO.matcher(url).matches()) {
            throw new IllegalArgumentException(
                    "camera " + name + ": credentials given both in the url and as " + "username/password; use one");
        }
        if (!username.isEmpty() && !url.contains("://")) {
            throw new IllegalArgumentException("camera " + name + ": username/password need a scheme://host url");
        }
    }

    /** A camera with the default clock and credentials, if any, inside its URL. */
    public CameraConfig(StreamName name, String url, String transport) {
        this(name, url, transport, null, null, null);
    }

    /** A camera with credentials, if any, inside its URL. */
    public CameraConfig(StreamName name, String url, String transport, String clock) {
        this(name, url, transport, clock, null, null);
    }

    public String redactedUrl() {
        return Secrets.redactUrl(url);
    }

    /**
     * The URL to open: {@link #url()} with {@link #username()} and {@link #password()} inserted as userinfo
     * (percent-encoded; FFmpeg decodes them for Basic and Digest authentication). Holds the password: never log it.
     */
    public String openUrl() {
        // schemes are case-insensitive (RFC 3986), FFmpeg's protocol names are not: RTSPS:// would go unencrypted
        Matcher scheme = SCHEME.matcher(url);
        String base = scheme.find() ? scheme.group().toLowerCase(Locale.ROOT) + url.substring(scheme.end()) : url;
        if (username.isEmpty()) {
            return base;
        }
        int at = base.indexOf("://") + 3;
        String userinfo = encode(username) + (password.isEmpty() ? "" : ":" + encode(password));
        return base.substring(0, at) + userinfo + "@" + base.substring(at);
    }

    public boolean isRtsp() {
        String u = url.toLowerCase(Locale.ROOT);
        return u.startsWith("rtsp://") || u.startsWith("rtsps://");
    }

    /** {@code rtsps://}: RTSP over TLS, which FFmpeg only speaks interleaved over TCP. */
    public boolean isRtsps() {
        return url.toLowerCase(Locale.ROOT).startsWith("rtsps://");
    }

    /** Whether the camera's own clock (RTCP sender reports) may give capture times. */
    public boolean cameraClock() {
        return clock.equals(CLOCK_CAMERA);
    }

    /** RFC 3986 userinfo: unreserved characters stay, everything else is percent-encoded. */
    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A");
    }

    @Override
    public String toString() {
        return "CameraConfig[" + name + ", " + redactedUrl() + ", " + transport + ", clock " + clock
                + (username.isEmpty() ? "" : ", user ***") + "]";
    }
}
