package io.kvr.bridge.camera;

import io.kvr.bridge.audio.AacTranscoder;
import io.kvr.bridge.rtsp.Packet;
import io.kvr.bridge.rtsp.ParameterSets;
import io.kvr.bridge.rtsp.SourceTrack;
import io.kvr.bridge.rtsp.TrackTimeline;
import io.kvr.mediatopic.IngestSessionId;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.Codec;
import io.kvr.schemas.StreamInfo;
import io.kvr.schemas.TrackInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Turns one connection's packets into what the media topic gets: a {@code StreamInfo} per ingest session, then
 * access units. Each track's timestamps are made continuous ({@link TrackTimeline}), capture times come from the
 * camera's or the server's clock ({@link SessionClock}), G.711/Opus audio is also given transcoded to AAC as an
 * extra track ({@link AacTranscoder}), and a video keyframe that carries new parameter sets starts a new ingest
 * session with the new configuration in its {@code StreamInfo}.
 *
 * <p>No I/O: the supervisor reads the packets and publishes the outputs, in their order; what the timestamps and
 * the clock had to correct is told to {@link Events}. Not thread-safe: one per connection, on its camera's thread.
 */
public final class ConnectionMedia implements AutoCloseable {
    /**
     * Added to every timestamp of a connection: B-frame decode times and AAC priming start before the source's
     * first pts (often 0), and ISO BMFF decode times are unsigned.
     */
    static final long TIMESTAMP_HEADROOM_MS = 10_000;

    /** What the packets became, in publishing order. */
    public sealed interface Output {}

    /**
     * A new ingest session: its {@code StreamInfo} goes before its units.
     *
     * @param why what started it, for the log
     * @param tracks the tracks described for the log: codec and size or rate of each
     */
    public record NewSession(StreamInfo info, String why, String tracks) implements Output {}

    /** @param transcoded whether the unit is the AAC track made here rather than one the camera sent */
    public record Unit(AccessUnit unit, boolean transcoded) implements Output {}

    /** What had to be corrected or left out, for the supervisor's log and metrics. */
    public interface Events extends SessionClock.Events {
        /** {@code count} more units of {@code track} came with the time of the one before; {@code first}: the first ones. */
        default void timestampsRepeated(int track, long count, boolean first) {}

        /** The timestamps of {@code track} jumped and were re-anchored by {@code correctionMs}. */
        default void timestampsJumped(int track, long correctionMs) {}

        /** {@code codec} audio could not be transcoded: no AAC track this connection. */
        default void noAacTrack(Codec codec, String reason) {}
    }

    private final CameraConfig camera;
    private final LongSupplier wallClock;
    private final Events events;
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
    private String sessionId;
    private long sequence;

    /**
     * @param tracks the connection's tracks, as the source describes them
     * @param openingAt when opening the connection began: it anchors the server clock (see {@link SessionClock})
     * @param floorMs no capture time below this (the previous connection's last), or {@link Long#MIN_VALUE}
     * @param wallClock the time new sessions start at
     */
    public ConnectionMedia(
            CameraConfig camera,
            List<SourceTrack> tracks,
            long openingAt,
            long floorMs,
            LongSupplier wallClock,
            Events events) {
        this.camera = camera;
        this.wallClock = wallClock;
        this.events = events;
        this.tracks = tracks;
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
                    ? new TrackTimeline(
                            t.video(),
                            t.timebaseNum(),
                            t.timebaseDen(),
                            TrackTimeline.defaultFrameTicks(t),
                            TIMESTAMP_HEADROOM_MS)
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
                events.noAacTrack(t.codec(), e.getMessage());
            }
        }
        this.transcoder = aac;
        this.transcodedTrack = aac == null ? -1 : toTranscode;
        this.aacTrack = aac == null ? -1 : n;
        this.clock = new SessionClock(openingAt, n + (aac == null ? 0 : 1), camera.cameraClock(), floorMs, events);
        if (aac != null) {
            clock.follow(aacTrack, transcodedTrack);
        }
    }

    /** Starts the connection's first ingest session. */
    public void start(List<Output> out) {
        startSession("connected", out);
    }

    /**
     * Takes the next packet; what is ready goes to {@code out}. Packets of unknown tracks, or of tracks without a
     * timebase, are left out.
     *
     * @param cameraStartMicros the camera's wall clock at pts 0, or {@link Packet#NO_TIMESTAMP} while unknown
     */
    public void accept(Packet p, long cameraStartMicros, List<Output> out) {
        if (p.track() < 0 || p.track() >= timelines.length || timelines[p.track()] == null) {
            return;
        }
        TrackTimeline timeline = timelines[p.track()];
        long repeatsBefore = timeline.repeats();
        timeline.accept(p, ready);
        if (timeline.repeats() != repeatsBefore) {
            events.timestampsRepeated(p.track(), timeline.repeats() - repeatsBefore, repeatsBefore == 0);
        }
        emitReady(cameraStartMicros, out);
    }

    /** The end of the stream: whatever the timelines still hold goes to {@code out}. */
    public void flush(long cameraStartMicros, List<Output> out) {
        for (TrackTimeline t : timelines) {
            if (t != null) {
                t.flush(ready);
            }
        }
        emitReady(cameraStartMicros, out);
    }

    private void startSession(String why, List<Output> out) {
        long now = wallClock.getAsLong();
        sessionId = IngestSessionId.create(now);
        sequence = 0;
        out.add(new NewSession(streamInfo(now), why, describe()));
    }

    private void emitReady(long cameraStartMicros, List<Output> out) {
        for (int i = 0; i < ready.size(); i++) {
            emit(ready.get(i), cameraStartMicros, out);
        }
        ready.clear();
    }

    private void emit(TrackTimeline.Timed t, long cameraStartMicros, List<Output> out) {
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
                    ParameterSets.PictureSize size =
                            inBand.pictureSize(track.codec()).orElse(new ParameterSets.PictureSize(0, 0));
                    width[index] = size.width();
                    height[index] = size.height();
                    startSession("codec configuration of track " + index + " changed in band", out);
                }
            }
        }
        if (t.correction() != 0) {
            events.timestampsJumped(
                    index, TrackTimeline.micros(t.correction(), track.timebaseNum(), track.timebaseDen()) / 1000);
        }
        long ptsMicros = TrackTimeline.micros(t.pts(), track.timebaseNum(), track.timebaseDen());
        long sourceMicros = t.sourcePts() == Packet.NO_TIMESTAMP
                ? Packet.NO_TIMESTAMP
                : TrackTimeline.micros(t.sourcePts(), track.timebaseNum(), track.timebaseDen());
        long capture = clock.captureMs(index, ptsMicros, sourceMicros, p.arrivalMs(), cameraStartMicros);
        out.add(new Unit(
                unit(
                        index,
                        track.codec(),
                        p.keyframe() || !track.video(),
                        t.pts(),
                        t.dts(),
                        track.timebaseNum(),
                        track.timebaseDen(),
                        capture,
                        p.arrivalMs(),
                        p.payload()),
                false));
        if (index == transcodedTrack) {
            long samples =
                    TrackTimeline.rescale(t.pts(), track.timebaseNum(), track.timebaseDen(), transcoder.sampleRate());
            transcoder.accept(samples, p.payload(), frame -> {
                long aacCapture = clock.captureMs(
                        aacTrack,
                        TrackTimeline.micros(frame.pts(), 1, transcoder.sampleRate()),
                        Packet.NO_TIMESTAMP,
                        p.arrivalMs(),
                        Packet.NO_TIMESTAMP);
                out.add(new Unit(
                        unit(
                                aacTrack,
                                Codec.AAC,
                                true,
                                frame.pts(),
                                frame.pts(),
                                1,
                                transcoder.sampleRate(),
                                aacCapture,
                                p.arrivalMs(),
                                frame.data()),
                        true));
            });
        }
    }

    private AccessUnit unit(
            int track,
            Codec codec,
            boolean keyframe,
            long pts,
            long dts,
            int tbNum,
            int tbDen,
            long captureMs,
            long arrivalMs,
            byte[] payload) {
        return AccessUnit.newBuilder()
                .setStreamId(camera.name().id())
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
                .setStreamId(camera.name().id())
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
            b.append(", AAC ")
                    .append(transcoder.sampleRate())
                    .append("Hz (track ")
                    .append(aacTrack)
                    .append(", transcoded from ")
                    .append(transcoder.source())
                    .append(')');
        }
        return b.toString();
    }

    @Override
    public void close() {
        if (transcoder != null) {
            transcoder.close();
        }
    }
}
