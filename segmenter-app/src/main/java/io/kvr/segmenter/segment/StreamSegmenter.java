package io.kvr.segmenter.segment;

import io.kvr.index.Timeline;
import io.kvr.media.MediaException;
import io.kvr.media.cmaf.MediaSegment;
import io.kvr.media.cmaf.Sample;
import io.kvr.media.cmaf.TrackRun;
import io.kvr.media.cmaf.TrackSamples;
import io.kvr.media.codec.AudioFormat;
import io.kvr.media.codec.Mpeg4VisualFormat;
import io.kvr.media.codec.VideoCodec;
import io.kvr.media.codec.VideoFormat;
import io.kvr.media.codec.VisualFormat;
import io.kvr.media.codec.aac.AdtsHeader;
import io.kvr.media.codec.aac.AudioSpecificConfig;
import io.kvr.policy.EffectivePolicy;
import io.kvr.runtime.storage.ObjectKeys;
import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.Codec;
import io.kvr.schemas.SegmentRecord;
import io.kvr.schemas.SegmentTrack;
import io.kvr.schemas.StreamInfo;
import io.kvr.schemas.TrackInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts one stream's access units into segments. A segment starts at a video keyframe and ends before the first
 * keyframe at or after the target duration, or at the end of its ingest session; it never spans two sessions.
 * The output depends only on the units, so a replay from a segment's first unit rebuilds it byte for byte.
 * Pure: no I/O and no clock. A session whose StreamInfo it did not see (a replay that starts after it) is
 * looked up by the caller and handed in with its first unit ({@link #startsSession}).
 * Not thread-safe: the consumer thread owns it.
 */
public final class StreamSegmenter {
    private static final Logger log = LoggerFactory.getLogger(StreamSegmenter.class);
    /** Keyframe timestamps jitter; a cut this close before the target still counts as "at" it (10 ms). */
    private static final long CUT_TOLERANCE_90K = 900;

    private static final int AAC_FRAME_SAMPLES = 1024;

    private final StreamName name;
    private final int partition;
    private final String bucket;
    private final Supplier<EffectivePolicy> policySource;
    /** The recording policy in force; changes only through {@link #refreshPolicy()}. */
    private EffectivePolicy policy;

    private ObjectKeys keys;
    private long targetTicks;
    private long notRecorded;

    private String session;
    private StreamInfo info;
    private SessionTracks tracks;
    private boolean setupFailed;
    private final List<Pending> video = new ArrayList<>();
    private final List<Pending> audio = new ArrayList<>();
    /** 25 fps, for a segment of a single frame whose duration nothing tells. */
    private static final long DEFAULT_FRAME_TICKS = 3600;

    private long lastSeenOffset = -1;
    private long dropped;

    /**
     * @param policy the stream's recording policy now (on/off, target duration, key prefix); asked at creation and
     *     at each {@link #refreshPolicy()}
     */
    public StreamSegmenter(StreamName name, int partition, String bucket, Supplier<EffectivePolicy> policy) {
        this.name = name;
        this.partition = partition;
        this.bucket = bucket;
        this.policySource = policy;
        apply(policy.get());
    }

    /**
     * Takes the current recording policy. Recording off: the open segment still ends at its normal cut (so a
     * replay cuts it the same way), is marked as the last before the pause, and nothing more is recorded until
     * recording is on again; the next segment then starts at a keyframe. A new target duration applies to the
     * open segment's cut; a new key prefix to the next segment closed. Returns true when anything changed.
     */
    public boolean refreshPolicy() {
        EffectivePolicy now = policySource.get();
        if (now.equals(policy)) {
            return false;
        }
        if (now.recording() != policy.recording()) {
            log.info("stream {}: recording {} by policy", name, now.recording() ? "enabled" : "disabled");
        }
        apply(now);
        return true;
    }

    private void apply(EffectivePolicy p) {
        policy = p;
        targetTicks = p.segmentDurationMs() * 90;
        if (keys == null || !keys.prefix().equals(p.keyPrefix())) {
            keys = new ObjectKeys(p.keyPrefix());
        }
    }

    public EffectivePolicy policy() {
        return policy;
    }

    /** Units not recorded because a recording policy switched recording off. */
    public long notRecorded() {
        return notRecorded;
    }

    public int partition() {
        return partition;
    }

    public StreamName name() {
        return name;
    }

    /**
     * Units dropped: before a session's first keyframe, unsupported tracks, timestamps running backwards, video
     * units without picture data (e.g. only an access unit delimiter).
     */
    public long dropped() {
        return dropped;
    }

    /** Where a replay must start to rebuild what is not yet stored: the open segment's first unit. */
    public long resumeOffset() {
        return video.isEmpty() ? lastSeenOffset + 1 : video.get(0).offset;
    }

    public boolean hasOpenSegment() {
        return !video.isEmpty();
    }

    /** A session announcement; closes the open segment when it belongs to an earlier session. */
    public Optional<ClosedSegment> onStreamInfo(StreamInfo announced, long offset) {
        lastSeenOffset = Math.max(lastSeenOffset, offset);
        if (announced.getIngestSessionId().equals(session)) {
            info = announced;
            return Optional.empty();
        }
        Optional<ClosedSegment> closed = closeOpen();
        startSession(announced.getIngestSessionId(), announced);
        return closed;
    }

    /**
     * True when {@code unit} belongs to another session than the one being cut: its StreamInfo was not seen, so
     * the caller looks it up and passes it to {@link #onAccessUnit(AccessUnit, long, Optional)}.
     */
    public boolean startsSession(AccessUnit unit) {
        return !unit.getIngestSessionId().equals(session);
    }

    /** A unit of the session being cut, or of a new session whose StreamInfo is not known. */
    public Optional<ClosedSegment> onAccessUnit(AccessUnit unit, long offset) {
        return onAccessUnit(unit, offset, Optional.empty());
    }

    /**
     * @param sessionInfo the StreamInfo of the unit's session when it {@link #startsSession starts one} and the
     *     caller found it; ignored otherwise
     */
    public Optional<ClosedSegment> onAccessUnit(AccessUnit unit, long offset, Optional<StreamInfo> sessionInfo) {
        lastSeenOffset = Math.max(lastSeenOffset, offset);
        Optional<ClosedSegment> closed = Optional.empty();
        if (startsSession(unit)) {
            closed = closeOpen();
            startSession(
                    unit.getIngestSessionId(),
                    sessionInfo
                            .filter(i -> i.getIngestSessionId().equals(unit.getIngestSessionId()))
                            .orElse(null));
        }
        if (isVideo(unit.getCodec()) && !hasPicture(unit)) {
            // nothing of it would reach the sample: a 0-byte sample makes players reject the whole segment.
            // Left out, the previous sample lasts until the next unit kept (or, at a close, the estimate).
            dropped++;
            return closed;
        }
        if (tracks == null && !setUp(unit)) {
            dropped++;
            return closed;
        }
        if (unit.getTrack() == tracks.videoTrack()) {
            Optional<ClosedSegment> cut = onVideo(unit, offset);
            return cut.isPresent() ? cut : closed;
        }
        if (unit.getTrack() == tracks.audioTrack() && video.isEmpty() && !policy.recording()) {
            notRecorded++;
            return closed;
        }
        if (unit.getTrack() == tracks.audioTrack() && !video.isEmpty()) {
            long dts = rescale(unit.getDts(), unit, tracks.audio().sampleRate());
            if (!audio.isEmpty() && dts <= audio.get(audio.size() - 1).dts) {
                dropped++;
                return closed;
            }
            audio.add(new Pending(unit, offset, dts, dts, audioPayload(unit)));
            return closed;
        }
        dropped++;
        return closed;
    }

    /** Closes the open segment of a stream that went quiet (its last unit's duration is estimated). */
    public Optional<ClosedSegment> flush() {
        return closeOpen();
    }

    private Optional<ClosedSegment> onVideo(AccessUnit unit, long offset) {
        long dts = rescale(unit.getDts(), unit, 90_000);
        long pts = rescale(unit.getPts(), unit, 90_000);
        byte[] payload = payload(unit);
        if (video.isEmpty()) {
            if (!policy.recording()) {
                notRecorded++;
                return Optional.empty();
            }
            if (!unit.getKeyframe()) {
                dropped++;
                return Optional.empty();
            }
            video.add(new Pending(unit, offset, dts, pts, payload));
            return Optional.empty();
        }
        Pending last = video.get(video.size() - 1);
        if (dts <= last.dts) {
            dropped++;
            return Optional.empty();
        }
        Optional<ClosedSegment> closed = Optional.empty();
        if (unit.getKeyframe() && dts - video.get(0).dts >= targetTicks - CUT_TOLERANCE_90K) {
            closed = Optional.of(close(dts - last.dts));
            if (!policy.recording()) {
                // the cut keyframe would start the next segment: recording is off, so none starts
                notRecorded++;
                return closed;
            }
        }
        video.add(new Pending(unit, offset, dts, pts, payload));
        return closed;
    }

    private void startSession(String sessionId, StreamInfo announced) {
        session = sessionId;
        info = announced;
        tracks = null;
        setupFailed = false;
        video.clear();
        audio.clear();
    }

    /** Picks the tracks and codec configuration at the session's first video keyframe. */
    private boolean setUp(AccessUnit unit) {
        if (setupFailed || !unit.getKeyframe() || !isVideo(unit.getCodec())) {
            return false;
        }
        if (info != null && firstVideoTrack(info) >= 0 && firstVideoTrack(info) != unit.getTrack()) {
            return false;
        }
        try {
            VisualFormat format = videoFormat(unit);
            if (format == null) {
                return false;
            }
            int audioTrack = -1;
            AudioFormat audioFormat = null;
            if (info != null) {
                for (TrackInfo t : info.getTracks()) {
                    if (t.getCodec() == Codec.AAC) {
                        audioFormat = audioFormat(t);
                        if (audioFormat != null) {
                            audioTrack = t.getTrack();
                            break;
                        }
                    }
                }
            }
            tracks = SessionTracks.of(unit.getTrack(), format, audioTrack, audioFormat);
            log.info("stream {} session {}: recording {}", name, session, tracks.codecs());
            return true;
        } catch (MediaException | IllegalArgumentException e) {
            setupFailed = true;
            log.warn(
                    "stream {} session {}: cannot record, codec configuration unusable: {}",
                    name,
                    session,
                    e.getMessage());
            return false;
        }
    }

    /**
     * The video track's configuration from the session's extradata (SDP), else from the keyframe: in-band parameter
     * sets (H.264/H.265) or the VOS/VOL header before the VOP (MPEG-4 Part 2); null when neither has it.
     */
    private VisualFormat videoFormat(AccessUnit unit) {
        if (info != null) {
            for (TrackInfo t : info.getTracks()) {
                if (t.getTrack() == unit.getTrack() && t.getExtradata().remaining() > 0) {
                    try {
                        return unit.getCodec() == Codec.MPEG4
                                ? Mpeg4VisualFormat.fromExtradata(bytes(t.getExtradata()))
                                : VideoFormat.fromExtradata(videoCodec(unit.getCodec()), bytes(t.getExtradata()));
                    } catch (MediaException | IllegalArgumentException e) {
                        log.debug(
                                "stream {}: extradata unusable, trying in-band parameter sets: {}",
                                name,
                                e.getMessage());
                    }
                }
            }
        }
        return unit.getCodec() == Codec.MPEG4
                ? Mpeg4VisualFormat.fromAccessUnit(payload(unit)).orElse(null)
                : VideoFormat.fromAccessUnit(videoCodec(unit.getCodec()), payload(unit))
                        .orElse(null);
    }

    private static VideoCodec videoCodec(Codec codec) {
        return codec == Codec.H265 ? VideoCodec.H265 : VideoCodec.H264;
    }

    /** The media topic codec of a recorded video format. */
    private static Codec codec(VisualFormat format) {
        return switch (format) {
            case VideoFormat v -> v.codec() == VideoCodec.H265 ? Codec.H265 : Codec.H264;
            case Mpeg4VisualFormat m -> Codec.MPEG4;
        };
    }

    /** AAC configuration from the AudioSpecificConfig, or built from rate and channels (AAC-LC) when absent. */
    private static AudioFormat audioFormat(TrackInfo t) {
        try {
            if (t.getExtradata().remaining() > 0) {
                return AudioFormat.fromAudioSpecificConfig(bytes(t.getExtradata()));
            }
            if (t.getSampleRate() > 0 && t.getChannels() > 0) {
                return AudioFormat.fromAudioSpecificConfig(
                        AudioSpecificConfig.lowComplexity(t.getSampleRate(), t.getChannels()));
            }
        } catch (MediaException | IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    private static int firstVideoTrack(StreamInfo info) {
        for (TrackInfo t : info.getTracks()) {
            if (isVideo(t.getCodec())) {
                return t.getTrack();
            }
        }
        return -1;
    }

    /**
     * Whether a video unit carries picture data: a VCL NAL unit (H.264/H.265; delimiters and parameter sets alone
     * are none, and the sample drops delimiters), or any bytes (MPEG-4 Part 2). A unit that does not parse is kept,
     * for the writer to judge as before.
     */
    private static boolean hasPicture(AccessUnit unit) {
        if (!unit.getPayload().hasRemaining()) {
            return false;
        }
        if (unit.getCodec() == Codec.MPEG4) {
            return true;
        }
        try {
            return videoCodec(unit.getCodec()).hasPicture(payload(unit));
        } catch (MediaException e) {
            return true;
        }
    }

    private static boolean isVideo(Codec codec) {
        return codec == Codec.H264 || codec == Codec.H265 || codec == Codec.MPEG4;
    }

    /**
     * Closes the open segment when its session ended or went quiet. The last frame lasts as long as the one before
     * it: derived from the segment alone, so a replay closes it identically.
     */
    private Optional<ClosedSegment> closeOpen() {
        if (video.isEmpty()) {
            return Optional.empty();
        }
        int n = video.size();
        return Optional.of(close(n > 1 ? video.get(n - 1).dts - video.get(n - 2).dts : DEFAULT_FRAME_TICKS));
    }

    /** Builds the open segment; {@code lastDuration} is the last video frame's duration in 90 kHz ticks. */
    private ClosedSegment close(long lastDuration) {
        List<Sample> videoSamples = new ArrayList<>(video.size());
        for (int i = 0; i < video.size(); i++) {
            Pending p = video.get(i);
            long duration = i + 1 < video.size() ? video.get(i + 1).dts - p.dts : lastDuration;
            videoSamples.add(new Sample(p.dts, (int) duration, (int) (p.pts - p.dts), p.unit.getKeyframe(), p.payload));
        }
        List<TrackSamples> fragment = new ArrayList<>(2);
        fragment.add(new TrackSamples(SessionTracks.VIDEO_TRACK_ID, videoSamples));
        if (!audio.isEmpty()) {
            List<Sample> audioSamples = new ArrayList<>(audio.size());
            for (int i = 0; i < audio.size(); i++) {
                Pending p = audio.get(i);
                long duration = i + 1 < audio.size() ? audio.get(i + 1).dts - p.dts : AAC_FRAME_SAMPLES;
                audioSamples.add(new Sample(p.dts, (int) duration, 0, true, p.payload));
            }
            fragment.add(new TrackSamples(SessionTracks.AUDIO_TRACK_ID, audioSamples));
        }
        Pending first = video.get(0);
        long firstSequence = first.unit.getSequence();
        MediaSegment segment = tracks.writer().mediaSegment(firstSequence & 0xFFFF_FFFFL, fragment);
        long mediaDuration = video.get(video.size() - 1).dts + lastDuration - first.dts;
        long startMs = first.unit.getCaptureTimeMs();
        long durationMs = mediaDuration / 90;
        String objectKey = keys.segment(name, startMs, session, firstSequence);
        String initKey = keys.init(name, session, tracks.configHash());
        long lastOffset =
                Math.max(video.get(video.size() - 1).offset, audio.isEmpty() ? -1 : audio.get(audio.size() - 1).offset);
        SegmentRecord record = SegmentRecord.newBuilder()
                .setStreamId(name.id())
                .setIngestSessionId(session)
                .setSequence(firstSequence)
                .setStartTimeMs(startMs)
                .setEndTimeMs(startMs + durationMs)
                .setDurationMs(durationMs)
                .setMediaStartTime(first.dts)
                .setMediaDuration(mediaDuration)
                .setTimescale(tracks.videoTimescale())
                .setByteSize(segment.bytes().length)
                .setBucket(bucket)
                .setObjectKey(objectKey)
                .setInitKey(initKey)
                .setCodecs(tracks.codecs())
                .setWidth(tracks.video().width())
                .setHeight(tracks.video().height())
                .setMoofOffset(segment.moofOffset())
                .setMoofSize(segment.moofSize())
                .setMdatOffset(segment.mdatOffset())
                .setMdatSize(segment.mdatSize())
                .setTracks(segmentTracks(segment))
                .setSourcePartition(partition)
                .setFirstOffset(first.offset)
                .setLastOffset(lastOffset)
                .setAnnouncedAtMs(0)
                .setRecordingStopReason(policy.recording() ? null : Timeline.RECORDING_DISABLED)
                .build();
        ClosedSegment closed =
                new ClosedSegment(initKey, tracks.init(), objectKey, segment.bytes(), record, first.offset, lastOffset);
        video.clear();
        audio.clear();
        return closed;
    }

    private List<SegmentTrack> segmentTracks(MediaSegment segment) {
        List<SegmentTrack> out = new ArrayList<>(2);
        for (TrackRun run : segment.tracks()) {
            boolean isVideo = run.trackId() == SessionTracks.VIDEO_TRACK_ID;
            out.add(SegmentTrack.newBuilder()
                    .setTrackId(run.trackId())
                    .setCodec(isVideo ? codec(tracks.video()) : Codec.AAC)
                    .setTimescale(
                            isVideo ? tracks.videoTimescale() : tracks.audio().sampleRate())
                    .setBaseDecodeTime(run.baseDecodeTime())
                    .setDataOffset(run.dataOffset())
                    .setSampleSizes(ints(run.sampleSizes()))
                    .setSampleDurations(ints(run.sampleDurations()))
                    .setCompositionOffsets(ints(run.compositionOffsets()))
                    .setSyncSamples(ints(run.syncSamples()))
                    .build());
        }
        return out;
    }

    private static List<Integer> ints(int[] values) {
        List<Integer> out = new ArrayList<>(values.length);
        for (int v : values) {
            out.add(v);
        }
        return out;
    }

    /** {@code ticks} of the unit's timebase in {@code timescale} units (floor). */
    static long rescale(long ticks, AccessUnit unit, long timescale) {
        return Math.floorDiv(Math.multiplyExact(ticks, timescale * unit.getTimebaseNum()), unit.getTimebaseDen());
    }

    private static byte[] payload(AccessUnit unit) {
        return bytes(unit.getPayload());
    }

    /** AAC payload without an ADTS header (some sources send one on every frame). */
    private static byte[] audioPayload(AccessUnit unit) {
        byte[] raw = bytes(unit.getPayload());
        if (AdtsHeader.hasSyncword(raw, 0)) {
            try {
                return AdtsHeader.rawFrame(raw, 0);
            } catch (MediaException | IllegalArgumentException e) {
                return raw;
            }
        }
        return raw;
    }

    /** The buffer's bytes, without copying when it wraps a whole array (Avro's usual case). */
    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer.hasArray()
                && buffer.arrayOffset() == 0
                && buffer.position() == 0
                && buffer.remaining() == buffer.array().length) {
            return buffer.array();
        }
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    private record Pending(AccessUnit unit, long offset, long dts, long pts, byte[] payload) {}
}
