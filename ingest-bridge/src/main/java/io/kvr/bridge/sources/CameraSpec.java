package io.kvr.bridge.sources;

import io.kvr.bridge.camera.CameraConfig;
import io.kvr.bridge.camera.CameraUrlPolicy;
import io.kvr.runtime.config.Secrets;
import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.CameraSource;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * What a user says about one camera, wherever it comes from (configuration file, REST API, sources topic): its
 * stream, URL, RTSP transport, capture clock, whether it is recorded, and optional credentials kept apart from the
 * URL ({@code username}, {@code password}; empty when none). The URL and the password may hold secrets:
 * {@link #toString()} redacts them. Two specs are equal when recording them is the same; who wrote them does not
 * count.
 */
public record CameraSpec(
        StreamName name,
        String url,
        String transport,
        String clock,
        boolean enabled,
        String username,
        String password) {
    public static final List<String> TRANSPORTS = List.of("tcp", "udp", "auto");
    public static final List<String> CLOCKS = List.of("camera", "server");
    public static final String DEFAULT_TRANSPORT = "tcp";
    public static final String DEFAULT_CLOCK = "camera";
    private static final int MAX_URL = 4096;
    private static final Pattern ABSOLUTE_URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://\\S+");
    private static final Pattern USERINFO = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/\\s]*@.*");

    public CameraSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(clock, "clock");
        username = username == null ? "" : username;
        password = password == null ? "" : password;
    }

    /** A camera whose credentials, if any, are in its URL. */
    public CameraSpec(StreamName name, String url, String transport, String clock, boolean enabled) {
        this(name, url, transport, clock, enabled, "", "");
    }

    /**
     * A checked spec: blank transport and clock take their defaults, values are lower-cased, the URL must pass
     * {@code urlPolicy}. Every problem goes to {@code problem} as (field, reason) and null is returned; reasons
     * never quote a password.
     */
    public static CameraSpec checked(
            StreamName name,
            String url,
            String transport,
            String clock,
            boolean enabled,
            String username,
            String password,
            CameraUrlPolicy urlPolicy,
            BiConsumer<String, String> problem) {
        String user = username == null ? "" : username;
        String pass = password == null ? "" : password;
        String t = transport == null || transport.isBlank()
                ? DEFAULT_TRANSPORT
                : transport.trim().toLowerCase(Locale.ROOT);
        String c =
                clock == null || clock.isBlank() ? DEFAULT_CLOCK : clock.trim().toLowerCase(Locale.ROOT);
        boolean ok = true;
        String urlProblem = urlProblem(url, urlPolicy);
        if (urlProblem != null) {
            problem.accept("url", urlProblem);
            ok = false;
        }
        if (!TRANSPORTS.contains(t)) {
            problem.accept(
                    "transport", "must be one of " + String.join(", ", TRANSPORTS) + ", not '" + printable(t) + "'");
            ok = false;
        }
        if (!CLOCKS.contains(c)) {
            problem.accept("clock", "must be one of " + String.join(", ", CLOCKS) + ", not '" + printable(c) + "'");
            ok = false;
        }
        if (user.isEmpty() && !pass.isEmpty()) {
            problem.accept("password", "needs a username");
            ok = false;
        }
        if (!user.isEmpty()
                && urlProblem == null
                && USERINFO.matcher(url.trim()).matches()) {
            problem.accept("username", "credentials are given both in the url and as username/password; use one");
            ok = false;
        }
        if (user.chars().anyMatch(Character::isISOControl)) {
            problem.accept("username", "must not contain control characters");
            ok = false;
        }
        if (pass.chars().anyMatch(Character::isISOControl)) {
            problem.accept("password", "must not contain control characters");
            ok = false;
        }
        return ok ? new CameraSpec(name, url.trim(), t, c, enabled, user, pass) : null;
    }

    /** Why {@code url} cannot be a camera URL, or null when it can. */
    static String urlProblem(String url, CameraUrlPolicy urlPolicy) {
        if (url == null || url.isBlank()) {
            return "required (e.g. rtsp://user:password@10.0.0.5/stream1)";
        }
        String u = url.trim();
        if (u.length() > MAX_URL) {
            return "longer than " + MAX_URL + " characters";
        }
        // never quoted: a malformed URL may hold a password where redaction does not find it
        if (u.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            return "must be an absolute URL without spaces, such as rtsp://host/path";
        }
        Optional<String> refused = urlPolicy.refusal(u);
        if (refused.isPresent()) {
            return refused.get();
        }
        if (!ABSOLUTE_URL.matcher(u).matches()) {
            return "must be an absolute URL such as rtsp://host/path";
        }
        if (Secrets.holdsRedaction(u)) {
            // what GET answers: posting it back would replace the real credentials with stars
            return "holds redacted credentials (***@ or a secret parameter = ***); give the real ones";
        }
        return null;
    }

    /**
     * Problems of a spec read from the topic (written by anyone, under any settings), joined; empty when it can be
     * recorded.
     */
    public String problems(CameraUrlPolicy urlPolicy) {
        StringBuilder b = new StringBuilder();
        checked(
                name,
                url,
                transport,
                clock,
                enabled,
                username,
                password,
                urlPolicy,
                (field, reason) -> b.append(b.isEmpty() ? "" : "; ")
                        .append(field)
                        .append(": ")
                        .append(reason));
        return b.toString();
    }

    public String redactedUrl() {
        return Secrets.redactUrl(url);
    }

    /**
     * The supervisor's configuration. Throws {@link IllegalArgumentException} (with a redacted reason) when the
     * supervisor refuses a setting.
     */
    public CameraConfig cameraConfig() {
        return new CameraConfig(name, url, transport, clock, username, password);
    }

    public CameraSource toAvro(String origin, long nowMs, String instance) {
        return CameraSource.newBuilder()
                .setStreamId(name.id())
                .setUrl(url)
                .setTransport(transport)
                .setClock(clock)
                .setEnabled(enabled)
                .setUsername(username.isEmpty() ? null : username)
                .setPassword(password.isEmpty() ? null : password)
                .setOrigin(origin)
                .setUpdatedAtMs(nowMs)
                .setUpdatedBy(instance)
                .build();
    }

    /** The spec of a stored value, as written (checked later, when it is recorded). */
    public static CameraSpec fromAvro(StreamName name, CameraSource source) {
        return new CameraSpec(
                name,
                source.getUrl(),
                source.getTransport(),
                source.getClock(),
                source.getEnabled(),
                source.getUsername(),
                source.getPassword());
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 80; i++) {
            char ch = s.charAt(i);
            b.append(Character.isISOControl(ch) ? '?' : ch);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "CameraSpec[" + name + ", " + redactedUrl() + ", " + transport + ", clock " + clock
                + (username.isEmpty() ? "" : ", user ***") + (enabled ? "" : ", disabled") + "]";
    }
}
