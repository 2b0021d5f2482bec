package io.kvr.bridge;

import io.kvr.bridge.camera.CameraConfig;
import io.kvr.bridge.camera.CameraState;
import io.kvr.bridge.camera.CameraSupervisor;
import io.kvr.bridge.kafka.AccessUnitPublisher;
import io.kvr.runtime.http.HttpService;
import io.kvr.runtime.http.Router;
import io.kvr.runtime.http.Routes;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.runtime.kafka.TopicProvisioner;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avutil;

/** The ingest bridge: one {@link CameraSupervisor} per configured camera, sharing one Kafka producer. */
public final class IngestBridge implements AutoCloseable {
    private final AccessUnitPublisher publisher;
    private final List<CameraSupervisor> supervisors = new ArrayList<>();

    private IngestBridge(AccessUnitPublisher publisher) {
        this.publisher = publisher;
    }

    public static IngestBridge start(BridgeConfig config, MeterRegistry metrics) {
        // FFmpeg's own log lines may quote URLs with credentials, and report every undecodable frame met while
        // probing a stream joined mid-GOP; the supervisors report failures themselves
        avutil.av_log_set_level(avutil.AV_LOG_FATAL);
        new TopicProvisioner(config.kafka().clientConfig(Map.of())).ensure(KvrTopics.all(config.kafka().topics()));
        IngestBridge bridge = new IngestBridge(new AccessUnitPublisher(config.kafka(), "kvr-ingest-bridge"));
        for (CameraConfig camera : config.cameras()) {
            bridge.supervisors.add(new CameraSupervisor(camera, bridge.publisher, config.readTimeout(), metrics).start());
        }
        return bridge;
    }

    public List<CameraSupervisor> cameras() {
        return List.copyOf(supervisors);
    }

    /** {@code GET /v1/cameras}: each camera's stream, redacted URL, state and last error. */
    public Routes routes() {
        return (Router router) -> router.get("/v1/cameras", req -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (CameraSupervisor s : supervisors) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("app", s.camera().name().app());
                c.put("stream", s.camera().name().stream());
                c.put("url", s.camera().redactedUrl());
                c.put("transport", s.camera().transport());
                c.put("state", s.state().name().toLowerCase(java.util.Locale.ROOT));
                c.put("last_error", s.lastError());
                c.put("sessions", s.sessions());
                out.add(c);
            }
            return HttpService.json(200, out);
        });
    }

    public boolean healthy() {
        return supervisors.stream().noneMatch(s -> s.state() == CameraState.STOPPED);
    }

    @Override
    public void close() {
        supervisors.parallelStream().forEach(CameraSupervisor::close);
        publisher.close();
    }
}
