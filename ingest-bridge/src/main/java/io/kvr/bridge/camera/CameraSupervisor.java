package io.kvr.bridge.camera;

import io.kvr.bridge.kafka.AccessUnitPublisher;
import io.kvr.bridge.rtsp.PacketSource;
import io.kvr.bridge.rtsp.SourceException;
import io.kvr.bridge.rtsp.SourceTrack;
import io.kvr.runtime.config.Secrets;
import io.kvr.runtime.kafka.IngestSessionId;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.StreamInfo;
import io.kvr.schemas.TrackInfo;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.bytedeco.ffmpeg.global.avutil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Keeps one camera recording: connect, announce a new ingest session, publish every packet, and on any failure
 * reconnect with exponential backoff (1 s doubling to 30 s, with jitter). Runs on its own thread, so a slow or
 * broken camera never delays another.
 */
public final class CameraSupervisor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CameraSupervisor.class);
    private static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final CameraConfig camera;
    private final AccessUnitPublisher publisher;
    private final Duration readTimeout;
    private final Thread thread;
    private final AtomicReference<CameraState> state = new AtomicReference<>(CameraState.CONNECTING);
    private final AtomicReference<String> lastError = new AtomicReference<>("");
    private final AtomicReference<Throwable> publishFailure = new AtomicReference<>();
    private final CameraMetrics metrics;
    private final AtomicLong sessions = new AtomicLong();
    private volatile boolean running = true;

    public CameraSupervisor(CameraConfig camera, AccessUnitPublisher publisher, Duration readTimeout,
                            MeterRegistry metrics) {
        this.camera = camera;
        this.publisher = publisher;
        this.readTimeout = readTimeout;
        this.metrics = new CameraMetrics(metrics, camera.name().id(), state::get);
        this.thread = Thread.ofPlatform().name("camera-" + camera.name().id()).daemon(true).unstarted(this::run);
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

    private void run() {
        MDC.put("stream", camera.name().id());
        Duration backoff = MIN_BACKOFF;
        while (running) {
            state.set(CameraState.CONNECTING);
            long connectedAt = -1;
            // FFmpeg buffers the packets it reads while probing the stream, so the first packet handed out is
            // as old as the opening: it, not the end of opening, anchors the server clock
            long openingAt = System.currentTimeMillis();
            try (PacketSource source = PacketSource.open(camera, readTimeout)) {
                connectedAt = System.currentTimeMillis();
                record(source, openingAt, connectedAt);
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
            }
            if (!running) {
                break;
            }
            // a connection that streamed for a while resets the backoff
            if (connectedAt > 0 && System.currentTimeMillis() - connectedAt > MAX_BACKOFF.toMillis()) {
                backoff = MIN_BACKOFF;
            }
            state.set(CameraState.BACKING_OFF);
            long jitter = ThreadLocalRandom.current().nextLong(backoff.toMillis() / 4 + 1);
            try {
                Thread.sleep(backoff.toMillis() + jitter);
            } catch (InterruptedException e) {
                break;
            }
            metrics.reconnect();
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
        state.set(CameraState.STOPPED);
    }

    private void fail(String reason) {
        String redacted = Secrets.redactUrl(reason);
        lastError.set(redacted);
        if (running) {
            log.warn("camera {} failed: {}; reconnecting", camera.name(), redacted);
        }
    }

    private void record(PacketSource source, long openingAt, long connectedAt) throws SourceException, InterruptedException,
            AccessUnitPublisher.PublishException {
        List<SourceTrack> tracks = source.tracks();
        String sessionId = IngestSessionId.create(connectedAt);
        StreamInfo info = streamInfo(sessionId, connectedAt, tracks);
        publisher.announce(info);
        sessions.incrementAndGet();
        state.set(CameraState.STREAMING);
        lastError.set("");
        log.info("camera {} streaming, session {}, tracks {}", camera.name(), sessionId, describe(tracks));
        SessionClock clock = new SessionClock(openingAt, tracks.size());
        long[] sequence = {0};
        String streamId = camera.name().id();
        while (running) {
            Throwable failed = publishFailure.getAndSet(null);
            if (failed != null) {
                throw new AccessUnitPublisher.PublishException("media topic refused a unit: " + failed.getMessage(), failed);
            }
            boolean more = source.next((index, keyframe, pts, dts, payload) -> {
                if (index < 0 || index >= tracks.size()) {
                    return;
                }
                SourceTrack t = tracks.get(index);
                long p = pts != avutil.AV_NOPTS_VALUE ? pts : dts;
                long d = dts != avutil.AV_NOPTS_VALUE ? dts : p;
                if (p == avutil.AV_NOPTS_VALUE) {
                    return;
                }
                long now = System.currentTimeMillis();
                AccessUnit unit = AccessUnit.newBuilder()
                        .setStreamId(streamId)
                        .setIngestSessionId(sessionId)
                        .setTrack(index)
                        .setCodec(t.codec())
                        .setKeyframe(keyframe || !t.video())
                        .setPts(p)
                        .setDts(d)
                        .setTimebaseNum(t.timebaseNum())
                        .setTimebaseDen(t.timebaseDen())
                        .setCaptureTimeMs(clock.captureMs(index, p, t.timebaseNum(), t.timebaseDen()))
                        .setArrivalTimeMs(now)
                        .setSequence(sequence[0]++)
                        .setPayload(ByteBuffer.wrap(payload))
                        .build();
                long captureMs = unit.getCaptureTimeMs();
                publisher.publish(unit, (meta, error) -> {
                    if (error != null) {
                        publishFailure.compareAndSet(null, error);
                    } else {
                        metrics.acknowledged(captureMs);
                    }
                });
                metrics.unitRead(payload.length);
            });
            if (!more) {
                return;
            }
        }
    }

    private StreamInfo streamInfo(String sessionId, long startedAt, List<SourceTrack> tracks) {
        List<TrackInfo> infos = new ArrayList<>();
        for (SourceTrack t : tracks) {
            infos.add(TrackInfo.newBuilder()
                    .setTrack(t.index())
                    .setCodec(t.codec())
                    .setTimebaseNum(t.timebaseNum())
                    .setTimebaseDen(t.timebaseDen())
                    .setWidth(t.width())
                    .setHeight(t.height())
                    .setSampleRate(t.sampleRate())
                    .setChannels(t.channels())
                    .setExtradata(ByteBuffer.wrap(t.extradata()))
                    .build());
        }
        return StreamInfo.newBuilder()
                .setStreamId(camera.name().id())
                .setIngestSessionId(sessionId)
                .setStartedAtMs(startedAt)
                .setSourceUrl(camera.redactedUrl())
                .setTracks(infos)
                .build();
    }

    private static String describe(List<SourceTrack> tracks) {
        StringBuilder b = new StringBuilder();
        for (SourceTrack t : tracks) {
            b.append(b.isEmpty() ? "" : ", ").append(t.codec());
            if (t.video()) {
                b.append(' ').append(t.width()).append('x').append(t.height());
            } else if (t.sampleRate() > 0) {
                b.append(' ').append(t.sampleRate()).append("Hz");
            }
        }
        return b.toString();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(readTimeout.toMillis() + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
