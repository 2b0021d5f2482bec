package io.kvr.bridge;

import io.kvr.bridge.camera.CameraConfig;
import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.stream.StreamName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Configuration of the ingest bridge. Cameras are keys {@code camera.<app>/<stream>.url} (and optional
 * {@code .transport}); Kafka client settings pass through under {@code kafka.}.
 */
public record BridgeConfig(KafkaSettings kafka, List<CameraConfig> cameras, String httpHost, int httpPort,
                           Duration readTimeout) {

    public static BridgeConfig from(Settings s) {
        KafkaSettings kafka = KafkaSettings.from(s);
        List<CameraConfig> cameras = new ArrayList<>();
        Map<String, String> cameraKeys = new TreeMap<>(s.withPrefix("camera."));
        for (var e : cameraKeys.entrySet()) {
            if (!e.getKey().endsWith(".url")) {
                continue;
            }
            String id = e.getKey().substring(0, e.getKey().length() - ".url".length());
            try {
                cameras.add(new CameraConfig(StreamName.parse(id), e.getValue(),
                        cameraKeys.get(id + ".transport")));
            } catch (IllegalArgumentException ex) {
                s.problem("camera." + e.getKey() + ": " + ex.getMessage());
            }
        }
        BridgeConfig config = new BridgeConfig(kafka, List.copyOf(cameras),
                s.string("http.host", "127.0.0.1"),
                s.integer("http.port", 8081, 0, 65535),
                s.duration("bridge.read.timeout", Duration.ofSeconds(5)));
        s.validate();
        return config;
    }
}
