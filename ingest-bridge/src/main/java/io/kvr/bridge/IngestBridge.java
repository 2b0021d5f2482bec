package io.kvr.bridge;

import io.kvr.bridge.camera.CameraSupervisor;
import io.kvr.bridge.kafka.AccessUnitPublisher;
import io.kvr.bridge.rtspserver.PublishedPaths;
import io.kvr.bridge.rtspserver.PushedStream;
import io.kvr.bridge.rtspserver.RtspServer;
import io.kvr.bridge.sources.CameraSources;
import io.kvr.http.Routes;
import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.runtime.kafka.TopicProvisioner;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * The ingest bridge: one {@link CameraSupervisor} per camera this instance pulls, sharing one Kafka producer.
 * Which cameras exist comes from the sources topic (configuration-file cameras are written there at start, the
 * REST API adds and removes more); which of them this instance pulls comes from the bridges' consumer group over
 * that topic (see {@link CameraSources}).
 */
public final class IngestBridge implements AutoCloseable {
    private final AccessUnitPublisher publisher;
    private final CameraSources sources;
    private final RtspServer rtsp;

    private IngestBridge(AccessUnitPublisher publisher, CameraSources sources, RtspServer rtsp) {
        this.publisher = publisher;
        this.sources = sources;
        this.rtsp = rtsp;
    }

    public static IngestBridge start(BridgeConfig config, MeterRegistry metrics) {
        // FFmpeg's own log lines may quote URLs with credentials, and report every undecodable frame met while
        // probing a stream joined mid-GOP; the supervisors report failures themselves
        avutil.av_log_set_level(avutil.AV_LOG_FATAL);
        KafkaClients clients = new KafkaClients(config.kafka());
        TopicProvisioner.of(clients).ensure(KvrTopics.all(config.kafka().topics()));
        AccessUnitPublisher publisher = new AccessUnitPublisher(clients, "kvr-ingest-bridge");
        try {
            PublishedPaths pushed = new PublishedPaths();
            CameraSources sources = CameraSources.start(
                    clients,
                    config.instanceId(),
                    config.groupId(),
                    config.cameras(),
                    config.urlPolicy(),
                    metrics,
                    camera -> new CameraSupervisor(camera, publisher, config.readTimeout(), config.urlPolicy(), metrics)
                            .start(),
                    pushed);
            RtspServer rtsp = null;
            if (config.rtsp().enabled()) {
                try {
                    rtsp = RtspServer.start(
                            config.rtsp(),
                            config.access(),
                            PushedStream.starter(publisher, metrics),
                            pushed,
                            sources::isCamera,
                            clients,
                            metrics);
                } catch (RuntimeException e) {
                    sources.close();
                    throw e;
                }
            }
            return new IngestBridge(publisher, sources, rtsp);
        } catch (RuntimeException e) {
            publisher.close();
            throw e;
        }
    }

    /** The supervisors of the cameras this instance pulls now. */
    public List<CameraSupervisor> cameras() {
        return sources.supervisors();
    }

    /** The port of the RTSP server publishers push to; empty when {@code rtsp.enabled} is false. */
    public java.util.OptionalInt rtspPort() {
        return rtsp == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(rtsp.port());
    }

    /** The port of RTSP over TLS ({@code rtsps://}); empty without {@code rtsp.tls.port}. */
    public java.util.OptionalInt rtspsPort() {
        return rtsp == null ? java.util.OptionalInt.empty() : rtsp.tlsPort();
    }

    /** This instance's name in the camera group and in {@code GET /v1/cameras}. */
    public String instanceId() {
        return sources.instanceId();
    }

    /** {@code GET/POST /v1/cameras}, {@code GET/DELETE /v1/cameras/{app}/{stream}}. */
    public Routes routes() {
        return sources.routes();
    }

    /** Up while this instance follows the cameras and none of its supervisors died. */
    public boolean healthy() {
        return sources.healthy();
    }

    @Override
    public void close() {
        // hands this instance's cameras over first (leaving the group stops them), then stops the producer
        if (rtsp != null) {
            rtsp.close();
        }
        sources.close();
        publisher.close();
    }
}
