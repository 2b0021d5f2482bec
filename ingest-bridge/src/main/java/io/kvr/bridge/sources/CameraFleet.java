package io.kvr.bridge.sources;

import io.kvr.bridge.camera.CameraConfig;
import io.kvr.bridge.camera.CameraMetrics;
import io.kvr.bridge.camera.CameraState;
import io.kvr.bridge.camera.CameraSupervisor;
import io.kvr.bridge.camera.CameraUrlPolicy;
import io.kvr.runtime.config.Secrets;
import io.kvr.runtime.stream.StreamName;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cameras this instance pulls: every enabled camera of the catalog whose sources partition this instance owns
 * (once the catalog has read that partition up to where it stood at assignment). {@link #reconcile()} starts and
 * stops supervisors to match, on every change and once a second; a changed spec restarts its camera.
 */
final class CameraFleet implements SourceOwnership.Listener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CameraFleet.class);

    /** A camera this instance is responsible for: running, or refused with a reason. */
    record Local(CameraSpec spec, CameraSupervisor supervisor, String failure) {
        CameraState state() {
            return supervisor != null ? supervisor.state() : CameraState.FAILED;
        }

        String lastError() {
            return supervisor != null ? supervisor.lastError() : failure;
        }

        long sessions() {
            return supervisor != null ? supervisor.sessions() : 0;
        }
    }

    private final SourceCatalog catalog;
    private final Function<CameraConfig, CameraSupervisor> starter;
    private final MeterRegistry registry;
    private final CameraUrlPolicy urlPolicy;
    private final ConcurrentMap<Integer, Long> owned = new ConcurrentHashMap<>();
    private final ConcurrentMap<StreamName, Local> local = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final AtomicBoolean requested = new AtomicBoolean();
    private boolean closed; // guarded by this

    /** {@code starter} creates and starts a supervisor; it may throw {@link IllegalArgumentException} for a bad config. */
    CameraFleet(
            SourceCatalog catalog,
            Function<CameraConfig, CameraSupervisor> starter,
            MeterRegistry registry,
            CameraUrlPolicy urlPolicy) {
        this.catalog = catalog;
        this.starter = starter;
        this.registry = registry;
        this.urlPolicy = urlPolicy;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("camera-fleet").daemon(true).factory());
    }

    CameraFleet start() {
        timer.scheduleWithFixedDelay(this::reconcileQuietly, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    /** Asks for a {@link #reconcile()} soon, on the fleet's thread; several requests coalesce. */
    void requestReconcile() {
        if (requested.compareAndSet(false, true)) {
            try {
                timer.execute(() -> {
                    requested.set(false);
                    reconcileQuietly();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    @Override
    public void assigned(Map<Integer, Long> readyAt) {
        owned.putAll(readyAt);
        requestReconcile();
    }

    @Override
    public void revoked(Set<Integer> partitions, boolean lost) {
        owned.keySet().removeAll(partitions);
        // before the partitions go to another instance: never two pullers of one camera
        reconcile();
    }

    boolean owns(int partition) {
        return owned.containsKey(partition);
    }

    Optional<Local> local(StreamName name) {
        return Optional.ofNullable(local.get(name));
    }

    Collection<Local> locals() {
        return List.copyOf(local.values());
    }

    List<CameraSupervisor> supervisors() {
        List<CameraSupervisor> out = new ArrayList<>();
        for (Local l : local.values()) {
            if (l.supervisor() != null) {
                out.add(l.supervisor());
            }
        }
        return out;
    }

    private void reconcileQuietly() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            log.error("reconciling cameras failed", e);
        }
    }

    /** Starts and stops supervisors so that exactly the cameras this instance should pull run here. */
    synchronized void reconcile() {
        if (closed) {
            return;
        }
        Map<StreamName, CameraSpec> desired = desired();
        List<Local> stop = new ArrayList<>();
        for (Local l : local.values()) {
            if (!l.spec().equals(desired.get(l.spec().name()))) {
                stop.add(l);
            }
        }
        stop(stop);
        for (CameraSpec spec : desired.values()) {
            if (!local.containsKey(spec.name())) {
                start(spec);
            }
        }
        for (Local l : local.values()) {
            CameraMetrics.lastError(registry, l.spec().name().id(), l.lastError());
        }
    }

    private Map<StreamName, CameraSpec> desired() {
        Map<StreamName, CameraSpec> out = new HashMap<>();
        for (SourceCatalog.Entry e : catalog.entries()) {
            Long readyAt = owned.get(e.partition());
            if (readyAt != null
                    && catalog.position(e.partition()) >= readyAt
                    && e.spec().enabled()) {
                out.put(e.spec().name(), e.spec());
            }
        }
        return out;
    }

    private void start(CameraSpec spec) {
        // the scheme now (the topic may hold a camera written under other settings); the address when the
        // supervisor connects, off this thread, since DNS may be slow
        String problems = spec.problems(urlPolicy.schemesOnly());
        if (problems.isEmpty()) {
            try {
                CameraConfig config = spec.cameraConfig();
                local.put(spec.name(), new Local(spec, starter.apply(config), null));
                log.info(
                        "camera {} ({}, {}) starts on this instance",
                        spec.name(),
                        spec.redactedUrl(),
                        spec.transport());
                return;
            } catch (IllegalArgumentException e) {
                problems = Secrets.redactUrl(e.getMessage());
            }
        }
        local.put(spec.name(), new Local(spec, null, problems));
        new CameraMetrics(registry, spec.name().id(), () -> CameraState.FAILED);
        log.warn("camera {} cannot be recorded: {}", spec.name(), problems);
    }

    private void stop(List<Local> stop) {
        if (stop.isEmpty()) {
            return;
        }
        // in parallel: a supervisor may take up to its read timeout to notice
        List<Thread> closing = new ArrayList<>();
        for (Local l : stop) {
            if (l.supervisor() != null) {
                closing.add(Thread.ofVirtual()
                        .name("camera-stop-" + l.spec().name().id())
                        .start(l.supervisor()::close));
            }
        }
        for (Thread t : closing) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Local l : stop) {
            local.remove(l.spec().name(), l);
            CameraMetrics.remove(registry, l.spec().name().id());
            log.info("camera {} stopped on this instance", l.spec().name());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        synchronized (this) {
            closed = true;
            stop(List.copyOf(local.values()));
        }
    }
}
