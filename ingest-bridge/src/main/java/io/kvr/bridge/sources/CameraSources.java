package io.kvr.bridge.sources;

import io.kvr.bridge.camera.CameraConfig;
import io.kvr.bridge.camera.CameraState;
import io.kvr.bridge.camera.CameraSupervisor;
import io.kvr.bridge.camera.CameraUrlPolicy;
import io.kvr.bridge.rtspserver.PublishedPaths;
import io.kvr.http.Routes;
import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.runtime.stream.StreamName;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cameras of a bridge instance, shared with the other instances of its group:
 * <ul>
 * <li>the sources topic (compacted, key {@code app/stream}, value {@code CameraSource}) holds every camera; each
 * instance reads it whole ({@link SourceCatalog});</li>
 * <li>configuration-file cameras are written to it at start when the stored value differs: the file wins at each
 * start, the API may change or remove them in between;</li>
 * <li>the instances form a consumer group over it ({@link SourceOwnership}); an instance pulls the enabled cameras of
 * the partitions assigned to it ({@link CameraFleet}); when it leaves or dies its partitions, and so its cameras,
 * move to the others (after {@code session.timeout.ms} for a dead one);</li>
 * <li>{@link CameraApi} serves and writes it over HTTP.</li>
 * </ul>
 */
public final class CameraSources implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CameraSources.class);
    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(60);

    private final String instanceId;
    private final SourceCatalog catalog;
    private final CameraFleet fleet;
    private final SourceWriter writer;
    private final GroupOwners owners;
    private final SourceOwnership ownership;
    private final CameraApi api;

    private CameraSources(
            String instanceId,
            SourceCatalog catalog,
            CameraFleet fleet,
            SourceWriter writer,
            GroupOwners owners,
            SourceOwnership ownership,
            CameraUrlPolicy urlPolicy,
            PublishedPaths pushed) {
        this.instanceId = instanceId;
        this.catalog = catalog;
        this.fleet = fleet;
        this.writer = writer;
        this.owners = owners;
        this.ownership = ownership;
        this.api = new CameraApi(catalog, fleet, writer, owners, instanceId, urlPolicy, pushed);
    }

    /**
     * Reads the sources topic, writes {@code configured} cameras to it, joins the group {@code groupId} and starts
     * pulling the cameras assigned here with {@code starter} (which creates and starts a supervisor). Cameras of the
     * API must pass {@code urlPolicy}; cameras of the topic whose scheme it refuses are not started. The streams
     * {@code pushed} to this instance's RTSP server are listed with the cameras.
     */
    public static CameraSources start(
            KafkaClients clients,
            String instanceId,
            String groupId,
            List<CameraSpec> configured,
            CameraUrlPolicy urlPolicy,
            MeterRegistry metrics,
            Function<CameraConfig, CameraSupervisor> starter,
            PublishedPaths pushed) {
        SourceCatalog catalog = null;
        CameraFleet fleet = null;
        SourceWriter writer = null;
        GroupOwners owners = null;
        try {
            catalog = new SourceCatalog(clients, instanceId + "-sources-reader", metrics);
            fleet = new CameraFleet(catalog, starter, metrics, urlPolicy);
            catalog.start(fleet::requestReconcile);
            if (!catalog.awaitLoaded(LOAD_TIMEOUT)) {
                throw new IllegalStateException("cannot read the camera sources topic "
                        + clients.topics().sources() + " within " + LOAD_TIMEOUT.toSeconds() + " s");
            }
            writer = new SourceWriter(clients, instanceId);
            writeConfigured(configured, catalog, writer);
            fleet.start();
            owners = new GroupOwners(clients, groupId, instanceId);
            SourceOwnership ownership = new SourceOwnership(clients, groupId, instanceId, fleet).start();
            CameraSources sources =
                    new CameraSources(instanceId, catalog, fleet, writer, owners, ownership, urlPolicy, pushed);
            Gauge.builder("kvr_bridge_cameras", catalog, c -> c.entries().size())
                    .description("cameras in the sources topic")
                    .tag("scope", "all")
                    .register(metrics);
            Gauge.builder("kvr_bridge_cameras", fleet, f -> f.supervisors().size())
                    .description("cameras pulled by this instance")
                    .tag("scope", "instance")
                    .register(metrics);
            log.info(
                    "bridge instance {} in camera group {}: {} camera(s) known",
                    instanceId,
                    groupId,
                    catalog.entries().size());
            return sources;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeAll(fleet, catalog, writer, owners);
            throw new IllegalStateException("interrupted while reading the camera sources", e);
        } catch (RuntimeException e) {
            closeAll(fleet, catalog, writer, owners);
            throw e;
        }
    }

    /** The configuration file wins at start: its cameras are stored unless the topic already says the same. */
    private static void writeConfigured(List<CameraSpec> configured, SourceCatalog catalog, SourceWriter writer)
            throws InterruptedException {
        Map<Integer, Long> lastWrite = new HashMap<>();
        for (CameraSpec spec : configured) {
            Optional<SourceCatalog.Entry> stored = catalog.get(spec.name());
            if (stored.isPresent() && stored.get().spec().equals(spec)) {
                continue;
            }
            RecordMetadata m = writer.put(spec, "config");
            lastWrite.merge(m.partition(), m.offset(), Math::max);
            log.info(
                    "camera {} from the configuration {} the sources topic: {}",
                    spec.name(),
                    stored.isPresent() ? "replaces its entry in" : "added to",
                    spec);
        }
        for (var e : lastWrite.entrySet()) {
            if (!catalog.awaitRead(e.getKey(), e.getValue(), LOAD_TIMEOUT)) {
                throw new IllegalStateException(
                        "configured cameras written but not read back within " + LOAD_TIMEOUT.toSeconds() + " s");
            }
        }
    }

    public String instanceId() {
        return instanceId;
    }

    /** Whether {@code name} is a camera of the sources topic (pulled here, elsewhere, or disabled). */
    public boolean isCamera(StreamName name) {
        return catalog.get(name).isPresent();
    }

    public Routes routes() {
        return api;
    }

    /** The supervisors of the cameras this instance pulls now. */
    public List<CameraSupervisor> supervisors() {
        return fleet.supervisors();
    }

    public boolean healthy() {
        return catalog.alive()
                && ownership.alive()
                && fleet.supervisors().stream().noneMatch(s -> s.state() == CameraState.STOPPED);
    }

    @Override
    public void close() {
        // leaving the group stops this instance's cameras (revocation) and hands them over at once
        ownership.close();
        closeAll(fleet, catalog, writer, owners);
    }

    private static void closeAll(AutoCloseable... parts) {
        for (AutoCloseable p : parts) {
            if (p == null) {
                continue;
            }
            try {
                p.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", p.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
