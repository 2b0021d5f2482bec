package io.kvr.bridge;

import io.kvr.bridge.camera.CameraUrlPolicy;
import io.kvr.bridge.rtspserver.RtspServerSettings;
import io.kvr.bridge.sources.CameraSpec;
import io.kvr.http.access.AccessSettings;
import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.stream.StreamName;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Configuration of the ingest bridge. Cameras are keys {@code camera.<app>/<stream>.url} with optional
 * {@code .transport} ({@code tcp}, {@code udp}, {@code auto}), {@code .clock} ({@code camera}, {@code server}),
 * {@code .enabled} and {@code .username}/{@code .password}; they are written to the sources topic at start, where
 * the REST API adds more. Kafka client settings pass through under {@code kafka.}. Which camera URLs are taken:
 * {@code bridge.url.schemes} and {@code bridge.url.deny.private} ({@link CameraUrlPolicy}).
 *
 * @param instanceId names this bridge in the camera group and in {@code GET /v1/cameras}; unique per instance
 * @param groupId    the consumer group of the bridges that share the cameras
 * @param urlPolicy  which camera URLs are taken and what FFmpeg may open for them
 * @param rtsp       the RTSP server publishers push to ({@code rtsp.*}, {@code publish.open})
 * @param access     who may use the HTTP routes, publish, and watch streams live over RTSP ({@code access.*})
 */
public record BridgeConfig(
        KafkaSettings kafka,
        List<CameraSpec> cameras,
        String httpHost,
        int httpPort,
        Duration readTimeout,
        String instanceId,
        String groupId,
        CameraUrlPolicy urlPolicy,
        RtspServerSettings rtsp,
        AccessSettings access) {
    private static final Set<String> CAMERA_SETTINGS =
            Set.of("url", "transport", "clock", "enabled", "username", "password");
    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

    public BridgeConfig {
        cameras = List.copyOf(cameras);
    }

    public static BridgeConfig from(Settings s) {
        KafkaSettings kafka = KafkaSettings.from(s);
        CameraUrlPolicy urlPolicy = CameraUrlPolicy.from(s);
        List<CameraSpec> cameras = cameras(s, urlPolicy);
        String instanceId = s.string("bridge.instance.id", defaultInstanceId());
        if (!INSTANCE_ID.matcher(instanceId).matches()) {
            s.problem("bridge.instance.id: '" + instanceId + "' must be 1-100 characters of A-Z a-z 0-9 . _ : -");
        }
        String httpHost = s.string("http.host", "127.0.0.1");
        BridgeConfig config = new BridgeConfig(
                kafka,
                cameras,
                httpHost,
                s.integer("http.port", 8081, 0, 65535),
                s.duration("bridge.read.timeout", Duration.ofSeconds(5)),
                instanceId,
                s.string(
                        "bridge.group.id",
                        io.kvr.runtime.config.GroupIds.from(s).of("ingest-bridge")),
                urlPolicy,
                RtspServerSettings.from(s, httpHost),
                AccessSettings.from(s));
        s.validate();
        return config;
    }

    private static List<CameraSpec> cameras(Settings s, CameraUrlPolicy urlPolicy) {
        Map<String, Map<String, String>> byCamera = new TreeMap<>();
        for (var e : s.withPrefix("camera.").entrySet()) {
            int dot = e.getKey().lastIndexOf('.');
            String setting = dot < 0 ? "" : e.getKey().substring(dot + 1);
            if (dot < 0 || !CAMERA_SETTINGS.contains(setting)) {
                s.problem("camera." + e.getKey() + ": unknown camera setting; use camera.<app>/<stream>."
                        + String.join("|", new TreeSet<>(CAMERA_SETTINGS)));
                continue;
            }
            byCamera.computeIfAbsent(e.getKey().substring(0, dot), k -> new TreeMap<>())
                    .put(setting, e.getValue());
        }
        List<CameraSpec> cameras = new ArrayList<>();
        for (var camera : byCamera.entrySet()) {
            String key = "camera." + camera.getKey() + ".";
            Map<String, String> settings = camera.getValue();
            StreamName name;
            try {
                name = StreamName.parse(camera.getKey());
            } catch (IllegalArgumentException ex) {
                s.problem(key + "url: " + ex.getMessage());
                continue;
            }
            boolean enabled = s.bool(key + "enabled", true);
            CameraSpec spec = CameraSpec.checked(
                    name,
                    settings.get("url"),
                    settings.get("transport"),
                    settings.get("clock"),
                    enabled,
                    settings.get("username"),
                    settings.get("password"),
                    urlPolicy,
                    (field, reason) -> s.problem(key + field + ": " + reason));
            if (spec != null) {
                cameras.add(spec);
            }
        }
        return cameras;
    }

    /** The host name (the pod name on Kubernetes) and process id: unique among instances. */
    private static String defaultInstanceId() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "bridge";
            }
        }
        String id = host.replaceAll("[^A-Za-z0-9._:-]", "_") + "-"
                + ProcessHandle.current().pid();
        return id.length() > 100 ? id.substring(id.length() - 100) : id;
    }
}
