package io.kvr.bridge.rtspserver;

import io.kvr.bridge.camera.CameraConfig;
import io.kvr.bridge.camera.CameraMetrics;
import io.kvr.bridge.camera.CameraState;
import io.kvr.bridge.camera.ConnectionMedia;
import io.kvr.bridge.kafka.AccessUnitPublisher;
import io.kvr.bridge.rtsp.Packet;
import io.kvr.bridge.rtsp.SourceTrack;
import io.kvr.bridge.rtsp.TrackTimeline;
import io.kvr.media.rtp.Depacketizer;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.OrderedPacketSink;
import io.kvr.media.rtp.ReorderBuffer;
import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;
import io.kvr.media.rtp.rtcp.RtcpCompound;
import io.kvr.media.rtp.rtcp.RtcpPacket;
import io.kvr.media.rtp.rtcp.SenderClock;
import io.kvr.media.rtp.rtcp.SenderReport;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.Codec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The media path of one recording publisher: interleaved frames in, access units on the media topic out, exactly as
 * a pulled camera's packets go. Per track a {@link ReorderBuffer} (window 0 over TCP, which keeps order, so only loss
 * is counted; {@value #UDP_REORDER_WINDOW} packets over UDP, which reorders), the section's {@link Depacketizer}, a
 * {@link ArrivalAlignedTimestamps} (pts = the unwrapped RTP timestamp in 1/clock-rate, placed on
 * the stream's timeline by the track's first arrival; no dts: {@link ConnectionMedia} derives it), then a {@link ConnectionMedia} and the {@link AccessUnitPublisher}. RTCP sender reports are kept per
 * track ({@link SenderClock}): with {@code clock=camera} a track's capture times come from the publisher's wall clock
 * once its first sender report came and lies within {@code SessionClock}'s bound of arrival, as for a pulled camera;
 * otherwise, and with {@code clock=server}, from the server's clock (arrival).
 *
 * <p>Threads: the connection's event loop only queues frames ({@link #offer}); the stream's own thread does the
 * media work and the publishing, which may block (the session's {@code StreamInfo} waits for the broker). When the
 * queue passes its high mark the connection stops reading until the thread catches up (TCP back-pressure on the
 * publisher) rather than buffering without bound.
 */
public final class PushedStream implements Recording {
    private static final Logger log = LoggerFactory.getLogger(PushedStream.class);
    private static final int QUEUE = 4096;
    private static final int HIGH_MARK = QUEUE * 3 / 4;
    private static final int LOW_MARK = QUEUE / 4;
    /** Bad packets are logged at most this often per stream; the rest are counted. */
    private static final long LOG_EVERY_MS = 10_000;
    /** Packets held over UDP while waiting for a late one: networks reorder by a few, a burst by a few dozen. */
    static final int UDP_REORDER_WINDOW = 64;

    /** What the connection is told by the stream's thread. */
    public interface Connection {
        /** Reads from the connection resume ({@code true}) or pause. */
        void autoRead(boolean on);

        /** The stream cannot go on (the media topic refused a unit): the connection is closed. */
        void fail(String reason);

        /** A unit of {@code payloadBytes} the publisher sent went to the media topic. */
        default void published(int payloadBytes) {}

        /** An ingest session started: its {@code StreamInfo} went to the media topic. */
        default void sessionStarted() {}
    }

    private static final InterleavedFrame END = new InterleavedFrame(0, new byte[0]);

    private final CameraConfig camera;
    private final List<AnnouncedTrack> tracks;
    private final AccessUnitPublisher publisher;
    private final Connection connection;
    private final MeterRegistry registry;
    private final CameraMetrics metrics;
    private final Counter badPackets;
    private final Counter droppedUnits;
    private final BlockingQueue<InterleavedFrame> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread thread;
    /** Per interleaved channel: the track index it carries RTP of (0..), RTCP of (-2 - index), or none (-1). */
    private final int[] channels;

    private final AtomicReference<Throwable> publishFailure = new AtomicReference<>();
    /** Guards {@link #paused} and the read switch, so pausing and resuming reach the connection in order. */
    private final Object flow = new Object();

    private boolean paused;
    private long lastLogMs;
    private long unloggedBadPackets;

    /**
     * @param channels per interleaved channel 0..255: the track whose RTP it carries ({@code index}), whose RTCP
     *     ({@code -2 - index}), or -1
     */
    PushedStream(
            CameraConfig camera,
            List<AnnouncedTrack> tracks,
            int[] channels,
            AccessUnitPublisher publisher,
            Connection connection,
            MeterRegistry registry) {
        this.camera = camera;
        this.tracks = List.copyOf(tracks);
        this.channels = channels.clone();
        this.publisher = publisher;
        this.connection = connection;
        this.registry = registry;
        this.metrics = new CameraMetrics(registry, camera.name().id(), () -> CameraState.STREAMING);
        this.badPackets = Counter.builder("kvr_bridge_rtsp_bad_packets")
                .description("RTP/RTCP packets of pushed streams that did not parse or depacketize")
                .tags("stream", camera.name().id())
                .register(registry);
        this.droppedUnits = Counter.builder("kvr_bridge_rtsp_dropped_units")
                .description("access units of pushed streams left out: hit by a loss or a broken fragment, or"
                        + " referring to one (until the next keyframe)")
                .tags("stream", camera.name().id())
                .register(registry);
        this.thread = Thread.ofPlatform()
                .name("rtsp-push-" + camera.name().id())
                .daemon(true)
                .unstarted(this::run);
    }

    /** Recordings of pushed streams published with {@code publisher}. */
    public static Recording.Starter starter(AccessUnitPublisher publisher, MeterRegistry registry) {
        return (camera, tracks, channels, connection) ->
                new PushedStream(camera, tracks, channels, publisher, connection, registry).start();
    }

    PushedStream start() {
        thread.start();
        return this;
    }

    /** From the event loop: queues a frame; pauses the connection's reads when the queue is nearly full. */
    @Override
    public void offer(InterleavedFrame frame) {
        if (!queue.offer(frame)) {
            // cannot happen while reads pause at the high mark, unless a read was already under way: drop it
            badPackets.increment();
            return;
        }
        synchronized (flow) {
            if (!paused && queue.size() >= HIGH_MARK) {
                paused = true;
                connection.autoRead(false);
            }
        }
    }

    /** Ends the stream: what the depacketizers and timelines hold is published, then the thread stops. */
    @Override
    public void close() {
        if (!queue.offer(END)) {
            // the thread is behind by a full queue: what it holds is given up
            queue.clear();
            if (!queue.offer(END)) {
                thread.interrupt();
            }
        }
    }

    /** Waits for the stream's thread to end (tests, shutdown). */
    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    private void run() {
        MDC.put("stream", camera.name().id());
        List<SourceTrack> sources = new ArrayList<>();
        for (AnnouncedTrack t : tracks) {
            sources.add(t.track());
        }
        long openedAt = System.currentTimeMillis();
        Track[] state = new Track[tracks.size()];
        for (int i = 0; i < state.length; i++) {
            state[i] = new Track(tracks.get(i), openedAt);
        }
        List<ConnectionMedia.Output> out = new ArrayList<>();
        try (ConnectionMedia media = new ConnectionMedia(
                camera, sources, openedAt, Long.MIN_VALUE, System::currentTimeMillis, new MediaEvents())) {
            media.start(out);
            publish(out);
            while (true) {
                InterleavedFrame frame = queue.take();
                if (frame == END) {
                    break;
                }
                synchronized (flow) {
                    if (paused && queue.size() <= LOW_MARK) {
                        paused = false;
                        connection.autoRead(true);
                    }
                }
                Throwable failed = publishFailure.getAndSet(null);
                if (failed != null) {
                    throw new AccessUnitPublisher.PublishException(
                            "media topic refused a unit: " + failed.getMessage(), failed);
                }
                int target = channels[frame.channel()];
                if (target >= 0) {
                    state[target].rtp(frame.data(), media, out);
                } else if (target < -1) {
                    state[-2 - target].rtcp(frame.data());
                } else {
                    badPacket(-1, "interleaved channel " + frame.channel() + " not set up");
                }
                publish(out);
            }
            for (Track t : state) {
                t.flush(media, out);
            }
            media.flush(Packet.NO_TIMESTAMP, out);
            publish(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (AccessUnitPublisher.PublishException e) {
            log.warn("pushed stream {}: {}; closing the connection", camera.name(), e.getMessage());
            connection.fail(e.getMessage());
        } catch (RuntimeException e) {
            log.warn("pushed stream {} failed", camera.name(), e);
            connection.fail(e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            // the stream's meters say "streaming" while it is pushed, and go with it
            CameraMetrics.remove(registry, camera.name().id());
        }
    }

    private void publish(List<ConnectionMedia.Output> out)
            throws InterruptedException, AccessUnitPublisher.PublishException {
        try {
            for (ConnectionMedia.Output o : out) {
                switch (o) {
                    case ConnectionMedia.NewSession s -> {
                        publisher.announce(s.info());
                        connection.sessionStarted();
                        log.info(
                                "pushed stream {} recording ({}), session {}, tracks {}",
                                camera.name(),
                                s.why(),
                                s.info().getIngestSessionId(),
                                s.tracks());
                    }
                    case ConnectionMedia.Unit u -> send(u);
                }
            }
        } finally {
            out.clear();
        }
    }

    private void send(ConnectionMedia.Unit u) {
        AccessUnit unit = u.unit();
        long captureMs = unit.getCaptureTimeMs();
        publisher.publish(unit, (meta, error) -> {
            if (error != null) {
                publishFailure.compareAndSet(null, error);
            } else {
                metrics.acknowledged(captureMs);
            }
        });
        if (!u.transcoded()) {
            metrics.unitRead(unit.getPayload().remaining());
            connection.published(unit.getPayload().remaining());
        }
    }

    private void badPacket(int track, String reason) {
        badPackets.increment();
        long now = System.currentTimeMillis();
        if (now - lastLogMs >= LOG_EVERY_MS) {
            log.warn(
                    "pushed stream {}: track {}: {} ({} more bad packets since the last report)",
                    camera.name(),
                    track,
                    reason,
                    unloggedBadPackets);
            lastLogMs = now;
            unloggedBadPackets = 0;
        } else {
            unloggedBadPackets++;
        }
    }

    /** One track's RTP path; reused objects, so a packet costs its RtpPacket and the units it completes. */
    private final class Track implements OrderedPacketSink, Consumer<MediaFrame> {
        private final AnnouncedTrack announced;
        private final ReorderBuffer order;
        private final SenderClock senderClock;
        private final ArrivalAlignedTimestamps timestamps;
        private Depacketizer depacketizer;
        private ConnectionMedia media;
        private List<ConnectionMedia.Output> out;
        private long arrivalMs;
        /** The depacketizer's dropped units already counted. */
        private long dropped;

        Track(AnnouncedTrack announced, long streamStartMs) {
            this.announced = announced;
            this.timestamps = new ArrivalAlignedTimestamps(announced.clockRate(), streamStartMs);
            this.depacketizer = announced.depacketizers().get();
            this.order = new ReorderBuffer(CameraConfig.UDP.equals(camera.transport()) ? UDP_REORDER_WINDOW : 0);
            this.senderClock = new SenderClock(announced.clockRate());
        }

        void rtp(byte[] data, ConnectionMedia media, List<ConnectionMedia.Output> out) {
            RtpPacket packet;
            try {
                packet = RtpPacket.parse(data, 0, data.length);
            } catch (RtpFormatException e) {
                badPacket(announced.track().index(), e.getMessage());
                return;
            }
            this.media = media;
            this.out = out;
            this.arrivalMs = System.currentTimeMillis();
            order.offer(packet, this);
        }

        void rtcp(byte[] data) {
            try {
                for (RtcpPacket p : RtcpCompound.parse(data, 0, data.length)) {
                    if (p instanceof SenderReport report) {
                        senderClock.update(report);
                    }
                }
            } catch (RtpFormatException e) {
                badPacket(announced.track().index(), "RTCP: " + e.getMessage());
            }
        }

        void flush(ConnectionMedia media, List<ConnectionMedia.Output> out) {
            this.media = media;
            this.out = out;
            this.arrivalMs = System.currentTimeMillis();
            order.flush(this);
            depacketizer.flush(this);
            countDropped();
        }

        private void countDropped() {
            long now = depacketizer.droppedUnits();
            if (now > dropped) {
                droppedUnits.increment(now - dropped);
                dropped = now;
            }
        }

        @Override
        public void packet(RtpPacket packet) {
            try {
                depacketizer.accept(packet, this);
            } catch (RtpFormatException e) {
                badPacket(announced.track().index(), e.getMessage());
            }
            countDropped();
        }

        @Override
        public void lost(int packets) {
            depacketizer.lost(packets);
        }

        @Override
        public void restarted() {
            // RFC 3550 8.2: a new SSRC's timestamps start at a random value
            depacketizer.flush(this);
            countDropped();
            depacketizer = announced.depacketizers().get();
            dropped = 0;
            timestamps.restart();
        }

        @Override
        public void accept(MediaFrame frame) {
            long pts = timestamps.pts(frame.timestamp(), arrivalMs);
            long cameraStart = senderClock.synchronised()
                    ? cameraStartMicros(senderClock, frame.timestamp(), pts, announced.clockRate())
                    : Packet.NO_TIMESTAMP;
            media.accept(
                    new Packet(
                            announced.track().index(),
                            frame.keyframe(),
                            pts,
                            Packet.NO_TIMESTAMP,
                            frame.data(),
                            arrivalMs),
                    cameraStart,
                    out);
        }
    }

    /**
     * The publisher's wall clock at pts 0 of a track, what {@link ConnectionMedia} takes as the camera's start time
     * (FFmpeg's {@code start_time_realtime} for a pulled camera): the sender report's mapping of {@code
     * rtpTimestamp} (RFC 3550 6.4.1) less its pts.
     *
     * @param rtpTimestamp a packet's RTP timestamp, 0..2^32-1
     * @param pts the same timestamp on the track's timeline ({@link ArrivalAlignedTimestamps}), in 1/{@code
     *     clockRate} s
     */
    static long cameraStartMicros(SenderClock clock, long rtpTimestamp, long pts, int clockRate) {
        return clock.unixMillis(rtpTimestamp) * 1000 - TrackTimeline.micros(pts, 1, clockRate);
    }

    /** Logs what the connection media corrected, naming the stream. */
    private final class MediaEvents implements ConnectionMedia.Events {
        @Override
        public void timestampsJumped(int track, long correctionMs) {
            log.warn(
                    "pushed stream {}: timestamps of track {} jumped; re-anchored by {} ms",
                    camera.name(),
                    track,
                    correctionMs);
        }

        @Override
        public void cameraClockUsed(long lagMs) {
            log.info(
                    "pushed stream {}: capture times from the publisher's clock ({} ms behind arrival)",
                    camera.name(),
                    lagMs);
        }

        @Override
        public void cameraClockRejected(long lagMs) {
            log.warn(
                    "pushed stream {}: the publisher's clock is {} ms off arrival; capture times from the server's clock",
                    camera.name(),
                    lagMs);
        }

        @Override
        public void noAacTrack(Codec codec, String reason) {
            log.warn("pushed stream {}: no AAC track from {} audio: {}", camera.name(), codec, reason);
        }
    }
}
