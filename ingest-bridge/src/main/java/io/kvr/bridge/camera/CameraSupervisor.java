package io.kvr.bridge.camera;

import io.kvr.bridge.audio.AacTranscoder;
import io.kvr.bridge.kafka.AccessUnitPublisher;
import io.kvr.bridge.rtsp.Packet;
import io.kvr.bridge.rtsp.PacketSource;
import io.kvr.bridge.rtsp.ParameterSets;
import io.kvr.bridge.rtsp.SourceException;
import io.kvr.bridge.rtsp.SourceTrack;
import io.kvr.bridge.rtsp.TrackTimeline;
import io.kvr.runtime.config.Secrets;
import io.kvr.mediatopic.IngestSessionId;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.Codec;
import io.kvr.schemas.StreamInfo;
import io.kvr.schemas.TrackInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
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
 * <p>Per connection: each track's timestamps are made continuous ({@link TrackTimeline}), capture times come from
 * the camera's or the server's clock ({@link SessionClock}), G.711/Opus audio is also published transcoded to AAC
 * as an extra track ({@link AacTranscoder}), and a video keyframe that carries new parameter sets starts a new
 * ingest session with the new configuration in its {@code StreamInfo}.
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
    /**
     * Added to every timestamp of a connection: B-frame decode times and AAC priming start before the source's
     * first pts (often 0), and ISO BMFF decode times are unsigned.
     */
    static final long TIMESTAMP_HEADROOM_MS = 10_000;

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
    public CameraSupervisor(CameraConfig camera, AccessUnitPublisher publisher, Duration readTimeout,
                            CameraUrlPolicy urlPolicy, MeterRegistry metrics) {
        this.camera = camera;
        this.publisher = publisher;
        this.readTimeout = readTimeout;
        this.urlPolicy = urlPolicy;
        this.metrics = new CameraMetrics(metrics, camera.name().id(), state::get);
        this.driftCorrections = corrections(metrics, "drift");
        this.jumpCorrections = corrections(metrics, "jump");
        this.repeatedTimes = corrections(metrics, "repeat");
        this.transportInUse = camera.isRtsps() ? CameraConfig.TCP : camera.transport();
        this.thread = Thread.ofPlatform().name("camera-" + camera.name().id()).daemon(true).unstarted(this::run);
    }

    private Counter corrections(MeterRegistry registry, String reason) {
        return Counter.builder(CLOCK_CORRECTIONS)
                .description("re-anchorings of a camera's time: capture clock drift from arrival, timestamp jumps, or repeated timestamps")
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
            PacketSource udp = new PacketSource(camera.redactedUrl(), CameraConfig.UDP, readTimeout,
                    urlPolicy.protocols(url));
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
            log.warn("camera {}: transport auto: RTP over UDP failed ({}); using TCP from now on", camera.name(),
                    udpProblem);
            return tcp;
        }
        String transport = camera.transport().equals(CameraConfig.UDP) ? CameraConfig.UDP : CameraConfig.TCP;
        return open(url, transport, openTimeout);
    }

    private PacketSource open(String url, String transport, Duration openTimeout) throws SourceException {
        PacketSource source = new PacketSource(camera.redactedUrl(), transport, readTimeout, urlPolicy.protocols(url));
        current = source;  // from here close() can end a hung opening
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

    /** One connection: its tracks, timelines, clock, transcoder and current ingest session. */
    private final class Connection {
        private final PacketSource source;
        private final List<SourceTrack> tracks;
        private final TrackTimeline[] timelines;
        private final byte[][] extradata;
        private final ParameterSets[] parameterSets;
        /**
         * Per track picture size: FFmpeg's (from the SDP and the first frames), then, once parameter sets change in
         * band, the new SPS's (0 when it does not parse: unknown).
         */
        private final int[] width;
        private final int[] height;
        private final SessionClock clock;
        private final AacTranscoder transcoder;
        /** Source track the transcoder reads, and the track index of its AAC output (-1: none). */
        private final int transcodedTrack;
        private final int aacTrack;
        private final List<TrackTimeline.Timed> ready = new ArrayList<>();
        private final String streamId = camera.name().id();
        private String sessionId;
        private long sequence;

        Connection(PacketSource source, long openingAt) {
            this.source = source;
            this.tracks = source.tracks();
            int n = tracks.size();
            this.timelines = new TrackTimeline[n];
            this.extradata = new byte[n][];
            this.parameterSets = new ParameterSets[n];
            this.width = new int[n];
            this.height = new int[n];
            int toTranscode = -1;
            boolean hasAac = false;
            for (SourceTrack t : tracks) {
                int i = t.index();
                boolean validTimebase = t.timebaseNum() > 0 && t.timebaseDen() > 0;
                timelines[i] = validTimebase
                        ? new TrackTimeline(t.video(), t.timebaseNum(), t.timebaseDen(),
                                TrackTimeline.defaultFrameTicks(t), TIMESTAMP_HEADROOM_MS)
                        : null;
                extradata[i] = t.extradata();
                width[i] = t.width();
                height[i] = t.height();
                if (ParameterSets.tracked(t.codec())) {
                    ParameterSets sdp = ParameterSets.scan(t.codec(), t.extradata());
                    parameterSets[i] = sdp.isEmpty() ? null : sdp;
                }
                hasAac |= t.codec() == Codec.AAC;
                if (toTranscode < 0 && AacTranscoder.transcodes(t.codec()) && validTimebase) {
                    toTranscode = i;
                }
            }
            AacTranscoder aac = null;
            if (!hasAac && toTranscode >= 0) {
                SourceTrack t = tracks.get(toTranscode);
                try {
                    aac = new AacTranscoder(t.codec(), t.sampleRate(), Math.max(1, t.channels()), t.extradata());
                } catch (RuntimeException e) {
                    log.warn("camera {}: no AAC track from {} audio: {}", camera.name(), t.codec(), e.getMessage());
                }
            }
            this.transcoder = aac;
            this.transcodedTrack = aac == null ? -1 : toTranscode;
            this.aacTrack = aac == null ? -1 : n;
            long floor = lastCaptureMs == Long.MIN_VALUE ? Long.MIN_VALUE : Math.min(lastCaptureMs, openingAt);
            this.clock = new SessionClock(openingAt, n + (aac == null ? 0 : 1), camera.cameraClock(), floor,
                    new ClockEvents());
            if (aac != null) {
                clock.follow(aacTrack, transcodedTrack);
            }
        }

        void record() throws SourceException, InterruptedException, AccessUnitPublisher.PublishException {
            try {
                startSession("connected");
                state.set(CameraState.STREAMING);
                lastError.set("");
                while (running) {
                    Throwable failed = publishFailure.getAndSet(null);
                    if (failed != null) {
                        throw new AccessUnitPublisher.PublishException("media topic refused a unit: "
                                + failed.getMessage(), failed);
                    }
                    Packet p = source.next();
                    if (p == null) {
                        for (TrackTimeline t : timelines) {
                            if (t != null) {
                                t.flush(ready);
                            }
                        }
                        publishReady();
                        return;
                    }
                    if (p.track() < 0 || p.track() >= timelines.length || timelines[p.track()] == null) {
                        continue;
                    }
                    TrackTimeline timeline = timelines[p.track()];
                    long repeatsBefore = timeline.repeats();
                    timeline.accept(p, ready);
                    if (timeline.repeats() != repeatsBefore) {
                        repeatedTimes.increment(timeline.repeats() - repeatsBefore);
                        if (repeatsBefore == 0) {
                            log.warn("camera {}: track {} repeats timestamps (split or duplicated frames); such units"
                                    + " are kept one tick apart, counted in {}{{reason=\"repeat\"}}", camera.name(),
                                    p.track(), CLOCK_CORRECTIONS);
                        }
                    }
                    publishReady();
                }
            } finally {
                if (transcoder != null) {
                    transcoder.close();
                }
            }
        }

        private void startSession(String why) throws InterruptedException, AccessUnitPublisher.PublishException {
            long now = System.currentTimeMillis();
            sessionId = IngestSessionId.create(now);
            sequence = 0;
            publisher.announce(streamInfo(now));
            sessions.incrementAndGet();
            log.info("camera {} streaming ({}), session {}, transport {}, tracks {}", camera.name(), why, sessionId,
                    transportInUse, describe());
        }

        private void publishReady() throws InterruptedException, AccessUnitPublisher.PublishException {
            for (int i = 0; i < ready.size(); i++) {
                publish(ready.get(i));
            }
            ready.clear();
        }

        private void publish(TrackTimeline.Timed t) throws InterruptedException, AccessUnitPublisher.PublishException {
            Packet p = t.packet();
            int index = p.track();
            SourceTrack track = tracks.get(index);
            if (track.video() && p.keyframe() && ParameterSets.tracked(track.codec())) {
                ParameterSets inBand = ParameterSets.scan(track.codec(), p.payload());
                if (!inBand.isEmpty()) {
                    ParameterSets known = parameterSets[index];
                    if (known == null) {
                        parameterSets[index] = inBand; // none out of band: the first in-band ones are the session's
                    } else if (known.changedBy(inBand)) {
                        parameterSets[index] = inBand;
                        extradata[index] = inBand.extradata(track.codec());
                        ParameterSets.PictureSize size = inBand.pictureSize(track.codec())
                                .orElse(new ParameterSets.PictureSize(0, 0));
                        width[index] = size.width();
                        height[index] = size.height();
                        startSession("codec configuration of track " + index + " changed in band");
                    }
                }
            }
            if (t.correction() != 0) {
                jumpCorrections.increment();
                log.warn("camera {}: timestamps of track {} jumped; re-anchored by {} ms", camera.name(), index,
                        TrackTimeline.micros(t.correction(), track.timebaseNum(), track.timebaseDen()) / 1000);
            }
            long ptsMicros = TrackTimeline.micros(t.pts(), track.timebaseNum(), track.timebaseDen());
            long sourceMicros = t.sourcePts() == Packet.NO_TIMESTAMP ? Packet.NO_TIMESTAMP
                    : TrackTimeline.micros(t.sourcePts(), track.timebaseNum(), track.timebaseDen());
            long capture = clock.captureMs(index, ptsMicros, sourceMicros, p.arrivalMs(), source.cameraStartMicros());
            send(index, track.codec(), p.keyframe() || !track.video(), t.pts(), t.dts(), track.timebaseNum(),
                    track.timebaseDen(), capture, p.arrivalMs(), p.payload());
            metrics.unitRead(p.payload().length);
            if (index == transcodedTrack) {
                long samples = TrackTimeline.rescale(t.pts(), track.timebaseNum(), track.timebaseDen(),
                        transcoder.sampleRate());
                transcoder.accept(samples, p.payload(), frame -> {
                    long aacCapture = clock.captureMs(aacTrack,
                            TrackTimeline.micros(frame.pts(), 1, transcoder.sampleRate()), Packet.NO_TIMESTAMP,
                            p.arrivalMs(), Packet.NO_TIMESTAMP);
                    send(aacTrack, Codec.AAC, true, frame.pts(), frame.pts(), 1, transcoder.sampleRate(), aacCapture,
                            p.arrivalMs(), frame.data());
                });
            }
        }

        private void send(int track, Codec codec, boolean keyframe, long pts, long dts, int tbNum, int tbDen,
                          long captureMs, long arrivalMs, byte[] payload) {
            AccessUnit unit = AccessUnit.newBuilder()
                    .setStreamId(streamId)
                    .setIngestSessionId(sessionId)
                    .setTrack(track)
                    .setCodec(codec)
                    .setKeyframe(keyframe)
                    .setPts(pts)
                    .setDts(dts)
                    .setTimebaseNum(tbNum)
                    .setTimebaseDen(tbDen)
                    .setCaptureTimeMs(captureMs)
                    .setArrivalTimeMs(arrivalMs)
                    .setSequence(sequence++)
                    .setPayload(ByteBuffer.wrap(payload))
                    .build();
            lastCaptureMs = Math.max(lastCaptureMs, captureMs);
            publisher.publish(unit, (meta, error) -> {
                if (error != null) {
                    publishFailure.compareAndSet(null, error);
                } else {
                    metrics.acknowledged(captureMs);
                }
            });
        }

        private StreamInfo streamInfo(long startedAt) {
            List<TrackInfo> infos = new ArrayList<>();
            for (SourceTrack t : tracks) {
                infos.add(TrackInfo.newBuilder()
                        .setTrack(t.index())
                        .setCodec(t.codec())
                        .setTimebaseNum(t.timebaseNum())
                        .setTimebaseDen(t.timebaseDen())
                        .setWidth(width[t.index()])
                        .setHeight(height[t.index()])
                        .setSampleRate(t.sampleRate())
                        .setChannels(t.channels())
                        .setExtradata(ByteBuffer.wrap(extradata[t.index()]))
                        .build());
            }
            if (transcoder != null) {
                infos.add(TrackInfo.newBuilder()
                        .setTrack(aacTrack)
                        .setCodec(Codec.AAC)
                        .setTimebaseNum(1)
                        .setTimebaseDen(transcoder.sampleRate())
                        .setSampleRate(transcoder.sampleRate())
                        .setChannels(transcoder.channels())
                        .setExtradata(ByteBuffer.wrap(transcoder.audioSpecificConfig()))
                        .build());
            }
            return StreamInfo.newBuilder()
                    .setStreamId(streamId)
                    .setIngestSessionId(sessionId)
                    .setStartedAtMs(startedAt)
                    .setSourceUrl(camera.redactedUrl())
                    .setTracks(infos)
                    .build();
        }

        private String describe() {
            StringBuilder b = new StringBuilder();
            for (SourceTrack t : tracks) {
                b.append(b.isEmpty() ? "" : ", ").append(t.codec());
                if (t.video()) {
                    b.append(' ').append(width[t.index()]).append('x').append(height[t.index()]);
                } else if (t.sampleRate() > 0) {
                    b.append(' ').append(t.sampleRate()).append("Hz");
                }
            }
            if (transcoder != null) {
                b.append(", AAC ").append(transcoder.sampleRate()).append("Hz (track ").append(aacTrack)
                        .append(", transcoded from ").append(transcoder.source()).append(')');
            }
            return b.toString();
        }
    }

    private final class ClockEvents implements SessionClock.Events {
        @Override
        public void cameraClockUsed(long lagMs) {
            log.info("camera {}: capture times from the camera's clock (RTCP sender reports); arrival - capture = {} ms",
                    camera.name(), lagMs);
        }

        @Override
        public void cameraClockRejected(long lagMs) {
            log.warn("camera {}: the camera's clock is {} s off the server's; capture times from the server's clock",
                    camera.name(), -lagMs / 1000);
        }

        @Override
        public void corrected(long deltaMs) {
            driftCorrections.increment();
            log.warn("camera {}: capture clock re-anchored by {} ms (the camera's time drifted from arrival)",
                    camera.name(), deltaMs);
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
