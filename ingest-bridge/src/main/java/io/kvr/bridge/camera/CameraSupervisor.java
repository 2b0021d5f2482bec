package io.kvr.bridge.camera;

import io.kvr.bridge.kafka.AccessUnitPublisher;
import io.kvr.bridge.rtsp.Packet;
import io.kvr.bridge.rtsp.PacketSource;
import io.kvr.bridge.rtsp.SourceException;
import io.kvr.runtime.config.Secrets;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.Codec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Keeps one camera recording: connect, announce a new ingest session, publish every packet, and on any failure
 * reconnect with exponential backoff (1 s doubling to 30 s, with jitter; see {@link ReconnectBackoff} for the fast
 * retries after a camera that was streaming drops). Runs on its own thread, so a slow or
 * broken camera never delays another.
 *
 * <p>Per connection a {@link ConnectionMedia} turns the packets into sessions and access units (continuous
 * timestamps, capture times, the AAC track transcoded from G.711/Opus, a new session when a keyframe carries new
 * parameter sets); this class publishes them in that order, logs and counts what it corrected, and
 * keeps the state the API shows.
 *
 * <p>Threads: the camera's own thread runs the connect, record and back-off loop and is the only one to touch the
 * connection. {@link #close()} comes from another thread: it ends the loop and aborts a hung open or read. Kafka's
 * producer thread reports failed sends through {@code publishFailure}, which the camera thread checks before each
 * packet. The state, the last error and the session count are read by the API from any thread.
 *
 * <p>Transport {@code auto}: the first connection tries RTP over UDP and falls back to TCP when no packet arrives
 * within {@link #AUTO_UDP_WAIT} (or UDP is refused) and TCP works; later connections of this supervisor use TCP.
 */
public final class CameraSupervisor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CameraSupervisor.class);
    /** Transport auto: how long RTP over UDP may take to deliver its first packet. */
    static final Duration AUTO_UDP_WAIT = Duration.ofSeconds(3);
    /** Stream analysis reads up to 2 s of media on top of the RTSP handshake. */
    private static final Duration ANALYSIS = Duration.ofSeconds(2);

    static final String CLOCK_CORRECTIONS = "kvr_bridge_clock_corrections";

    private final CameraConfig camera;
    private final AccessUnitPublisher publisher;
    private final Duration readTimeout;
    private final CameraUrlPolicy urlPolicy;
    private final Thread thread;
    private final AtomicReference<CameraState> state = new AtomicReference<>(CameraState.CONNECTING);
    private final AtomicReference<String> lastError = new AtomicReference<>("");
    private final AtomicReference<Throwable> publishFailure = new AtomicReference<>();
    private final CameraMetrics metrics;
    private final Counter driftCorrections;
    private final Counter jumpCorrections;
    private final Counter repeatedTimes;
    private final AtomicLong sessions = new AtomicLong();
    private volatile boolean running = true;
    private volatile PacketSource current;
    private volatile String transportInUse;
    private boolean udpFailed;
    /**
     * When the opening of the current connection began. FFmpeg buffers the packets it reads while probing the
     * stream, so the first packet handed out is as old as the opening: it, not the end of opening, anchors the
     * server clock.
     */
    private long openingAt;

    private long lastCaptureMs = Long.MIN_VALUE;

    /** {@code urlPolicy} is checked before every connection (DNS may have changed) and limits what FFmpeg opens. */
    public CameraSupervisor(
            CameraConfig camera,
            AccessUnitPublisher publisher,
            Duration readTimeout,
            CameraUrlPolicy urlPolicy,
            MeterRegistry metrics) {
        this.camera = camera;
        this.publisher = publisher;
        this.readTimeout = readTimeout;
        this.urlPolicy = urlPolicy;
        this.metrics = new CameraMetrics(metrics, camera.name().id(), state::get);
        this.driftCorrections = corrections(metrics, "drift");
        this.jumpCorrections = corrections(metrics, "jump");
        this.repeatedTimes = corrections(metrics, "repeat");
        this.transportInUse = camera.isRtsps() ? CameraConfig.TCP : camera.transport();
        this.thread = Thread.ofPlatform()
                .name("camera-" + camera.name().id())
                .daemon(true)
                .unstarted(this::run);
    }

    private Counter corrections(MeterRegistry registry, String reason) {
        return Counter.builder(CLOCK_CORRECTIONS)
                .description(
                        "re-anchorings of a camera's time: capture clock drift from arrival, timestamp jumps, or repeated timestamps")
                .tags("stream", camera.name().id(), "reason", reason)
                .register(registry);
    }

    public CameraSupervisor start() {
        thread.start();
        return this;
    }

    public CameraConfig camera() {
        return camera;
    }

    public CameraState state() {
        return state.get();
    }

    /** The last failure, redacted; empty when none. */
    public String lastError() {
        return lastError.get();
    }

    public long sessions() {
        return sessions.get();
    }

    /** The RTSP transport of the current or next connection: {@code tcp} or {@code udp} ({@code auto} before a try). */
    public String transportInUse() {
        return transportInUse;
    }

    private void run() {
        MDC.put("stream", camera.name().id());
        ReconnectBackoff backoff = new ReconnectBackoff();
        while (running) {
            state.set(CameraState.CONNECTING);
            long connectedAt = -1;
            try (PacketSource source = connect()) {
                connectedAt = System.currentTimeMillis();
                new Connection(source, openingAt).record();
                if (running) {
                    fail("end of stream");
                }
            } catch (SourceException | AccessUnitPublisher.PublishException e) {
                fail(e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                fail(e.getClass().getSimpleName() + ": " + e.getMessage());
                log.debug("camera failure", e);
            } finally {
                current = null;
            }
            if (!running) {
                break;
            }
            long now = System.currentTimeMillis();
            long delay = backoff.delayAfter(connectedAt > 0 ? now - connectedAt : -1, now);
            state.set(CameraState.BACKING_OFF);
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                break;
            }
            metrics.reconnect();
        }
        state.set(CameraState.STOPPED);
    }

    /** Opens the camera with its transport; for {@code auto}, UDP first (see the class comment). */
    private PacketSource connect() throws SourceException {
        String url = camera.openUrl();
        Optional<String> refused = urlPolicy.refusal(url);
        if (refused.isPresent()) {
            throw new SourceException("cannot open " + camera.redactedUrl() + ": the url " + refused.get(), null);
        }
        Duration openTimeout = readTimeout.multipliedBy(2).plus(ANALYSIS);
        if (camera.transport().equals(CameraConfig.AUTO) && camera.isRtsp() && !camera.isRtsps() && !udpFailed) {
            String udpProblem;
            PacketSource udp =
                    new PacketSource(camera.redactedUrl(), CameraConfig.UDP, readTimeout, urlPolicy.protocols(url));
            current = udp;
            openingAt = System.currentTimeMillis();
            if (!running) {
                udp.abort();
            }
            try {
                udp.open(url, readTimeout.plus(ANALYSIS)).awaitFirstPacket(AUTO_UDP_WAIT);
                transportInUse = CameraConfig.UDP;
                return udp;
            } catch (SourceException e) {
                udp.close();
                if (!running) {
                    throw e;
                }
                udpProblem = e.getMessage();
            }
            PacketSource tcp = open(url, CameraConfig.TCP, openTimeout);
            udpFailed = true;
            transportInUse = CameraConfig.TCP;
            log.warn(
                    "camera {}: transport auto: RTP over UDP failed ({}); using TCP from now on",
                    camera.name(),
                    udpProblem);
            return tcp;
        }
        String transport = camera.transport().equals(CameraConfig.UDP) ? CameraConfig.UDP : CameraConfig.TCP;
        return open(url, transport, openTimeout);
    }

    private PacketSource open(String url, String transport, Duration openTimeout) throws SourceException {
        PacketSource source = new PacketSource(camera.redactedUrl(), transport, readTimeout, urlPolicy.protocols(url));
        current = source; // from here close() can end a hung opening
        openingAt = System.currentTimeMillis();
        if (!running) {
            source.abort();
        }
        return source.open(url, openTimeout);
    }

    private void fail(String reason) {
        String redacted = Secrets.redactUrl(reason);
        lastError.set(redacted);
        if (running) {
            log.warn("camera {} failed: {}; reconnecting", camera.name(), redacted);
        }
    }

    /** One connection: its packets through a {@link ConnectionMedia}, and what that makes published in order. */
    private final class Connection {
        private final PacketSource source;
        private final long openingAt;
        private final List<ConnectionMedia.Output> out = new ArrayList<>();

        Connection(PacketSource source, long openingAt) {
            this.source = source;
            this.openingAt = openingAt;
        }

        void record() throws SourceException, InterruptedException, AccessUnitPublisher.PublishException {
            long floor = lastCaptureMs == Long.MIN_VALUE ? Long.MIN_VALUE : Math.min(lastCaptureMs, openingAt);
            try (ConnectionMedia media = new ConnectionMedia(
                    camera, source.tracks(), openingAt, floor, System::currentTimeMillis, new MediaEvents())) {
                media.start(out);
                publish();
                state.set(CameraState.STREAMING);
                lastError.set("");
                while (running) {
                    Throwable failed = publishFailure.getAndSet(null);
                    if (failed != null) {
                        throw new AccessUnitPublisher.PublishException(
                                "media topic refused a unit: " + failed.getMessage(), failed);
                    }
                    Packet p = source.next();
                    if (p == null) {
                        media.flush(source.cameraStartMicros(), out);
                        publish();
                        return;
                    }
                    media.accept(p, source.cameraStartMicros(), out);
                    publish();
                }
            }
        }

        /** Announces new sessions and sends units, in the order the connection media made them. */
        private void publish() throws InterruptedException, AccessUnitPublisher.PublishException {
            try {
                for (ConnectionMedia.Output o : out) {
                    switch (o) {
                        case ConnectionMedia.NewSession s -> announce(s);
                        case ConnectionMedia.Unit u -> send(u);
                    }
                }
            } finally {
                out.clear();
            }
        }

        private void announce(ConnectionMedia.NewSession s)
                throws InterruptedException, AccessUnitPublisher.PublishException {
            publisher.announce(s.info());
            sessions.incrementAndGet();
            log.info(
                    "camera {} streaming ({}), session {}, transport {}, tracks {}",
                    camera.name(),
                    s.why(),
                    s.info().getIngestSessionId(),
                    transportInUse,
                    s.tracks());
        }

        private void send(ConnectionMedia.Unit u) {
            AccessUnit unit = u.unit();
            long captureMs = unit.getCaptureTimeMs();
            lastCaptureMs = Math.max(lastCaptureMs, captureMs);
            publisher.publish(unit, (meta, error) -> {
                if (error != null) {
                    publishFailure.compareAndSet(null, error);
                } else {
                    metrics.acknowledged(captureMs);
                }
            });
            if (!u.transcoded()) {
                metrics.unitRead(unit.getPayload().remaining());
            }
        }
    }

    /** Logs and counts what the connection media corrected, naming the camera. */
    private final class MediaEvents implements ConnectionMedia.Events {
        @Override
        public void timestampsRepeated(int track, long count, boolean first) {
            repeatedTimes.increment(count);
            if (first) {
                log.warn(
                        "camera {}: track {} repeats timestamps (split or duplicated frames); such units"
                                + " are kept one tick apart, counted in {}{{reason=\"repeat\"}}",
                        camera.name(),
                        track,
                        CLOCK_CORRECTIONS);
            }
        }

        @Override
        public void timestampsJumped(int track, long correctionMs) {
            jumpCorrections.increment();
            log.warn(
                    "camera {}: timestamps of track {} jumped; re-anchored by {} ms",
                    camera.name(),
                    track,
                    correctionMs);
        }

        @Override
        public void noAacTrack(Codec codec, String reason) {
            log.warn("camera {}: no AAC track from {} audio: {}", camera.name(), codec, reason);
        }

        @Override
        public void cameraClockUsed(long lagMs) {
            log.info(
                    "camera {}: capture times from the camera's clock (RTCP sender reports); arrival - capture = {} ms",
                    camera.name(),
                    lagMs);
        }

        @Override
        public void cameraClockRejected(long lagMs) {
            log.warn(
                    "camera {}: the camera's clock is {} s off the server's; capture times from the server's clock",
                    camera.name(),
                    -lagMs / 1000);
        }

        @Override
        public void corrected(long deltaMs) {
            driftCorrections.increment();
            log.warn(
                    "camera {}: capture clock re-anchored by {} ms (the camera's time drifted from arrival)",
                    camera.name(),
                    deltaMs);
        }
    }

    @Override
    public void close() {
        running = false;
        PacketSource source = current;
        if (source != null) {
            source.abort();
        }
        thread.interrupt();
        try {
            thread.join(readTimeout.toMillis() + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
