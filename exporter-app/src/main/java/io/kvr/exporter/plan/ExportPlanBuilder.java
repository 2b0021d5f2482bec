package io.kvr.exporter.plan;

import io.kvr.media.mp4.FragmentedMp4;
import io.kvr.media.mp4.InitSegment;
import io.kvr.media.mp4.InitSegment.TrackConfig;
import io.kvr.media.mp4.ProgressiveMp4;
import io.kvr.media.mp4.SampleTable;
import io.kvr.schemas.SegmentRecord;
import io.kvr.schemas.SegmentTrack;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One export's plan built from its segment records, fed in start order: which samples of which segments, where
 * their bytes are, and the file header with the complete sample tables. No index, object or media byte is read
 * here ({@link ExportPlanner} reads the index and feeds it).
 *
 * <p>The output timeline starts at the keyframe at or before the start. Inside one ingest session, sample times
 * keep their recorded spacing (a gap becomes a longer last sample before it: the picture holds, the sound
 * pauses). A new session is placed at its capture wall-clock offset from the start, so a gap between sessions
 * keeps its length too. Not thread-safe: one per plan.
 */
final class ExportPlanBuilder {
    private final ExportRange range;
    private final Function<String, InitSegment> inits;
    private final Consumer<ExportStart> onStart;
    private final boolean stopAtStart;
    private final SampleTable video = new SampleTable();
    private final SampleTable audio = new SampleTable();
    private final List<MediaRead> reads = new ArrayList<>();
    private boolean started;
    private InitSegment init;
    private String initKey;
    private TrackConfig videoConfig;
    private TrackConfig audioConfig;
    private long payload;
    private String session;
    private long anchor; // video decode time (session clock) at output time 0
    private long audioAnchor;
    private long firstFrameMs;
    private long keyframeCts;
    private long windowStartUs;
    private long windowEndUs;
    private int segments;
    private boolean done;

    /**
     * @param inits the init segment of an object key, asked once per change of init segment
     * @param onStart gets the file's first bytes once the first segment with video is planned
     * @param stopAtStart whether the range is complete after its first planned segment (a check, not a plan)
     */
    ExportPlanBuilder(
            ExportRange range,
            Function<String, InitSegment> inits,
            Consumer<ExportStart> onStart,
            boolean stopAtStart) {
        this.range = range;
        this.inits = inits;
        this.onStart = onStart;
        this.stopAtStart = stopAtStart;
    }

    /**
     * Plans the next segment of the range (segments come in start order, each once); false once the range is
     * complete and later segments are not wanted.
     */
    boolean add(SegmentRecord r) {
        place(r);
        return !done;
    }

    /** Whether a segment with video was planned, so the file has started. */
    boolean started() {
        return started;
    }

    private void place(SegmentRecord r) {
        SegmentTrack v = null;
        SegmentTrack a = null;
        InitSegment segmentInit = checkConfiguration(r);
        for (SegmentTrack t : r.getTracks()) {
            TrackConfig c = segmentInit.track(t.getTrackId()).orElse(null);
            if (c == null || t.getSampleSizes().isEmpty()) {
                continue;
            }
            if (c.video() && v == null) {
                v = t;
            } else if (!c.video() && a == null && audioConfig != null && c.sameConfiguration(audioConfig)) {
                a = t;
            }
        }
        if (v == null) {
            return;
        }
        int tsv = videoConfig.timescale();
        List<Integer> cts = v.getCompositionOffsets();
        long firstDts = v.getBaseDecodeTime();
        long firstPts = firstDts + ctsAt(cts, 0);
        int from = 0;
        if (session == null) {
            from = keyframeAtOrBefore(r, v, tsv);
            long dts = dtsAt(v, from);
            long pts = dts + ctsAt(cts, from);
            anchor = dts;
            firstFrameMs = r.getStartTimeMs() + (pts - firstPts) * 1000 / tsv;
            keyframeCts = pts - dts;
            long shownFrom = shownStartMs();
            windowStartUs = keyframeCts * 1_000_000L / tsv + (shownFrom - firstFrameMs) * 1000;
            windowEndUs = windowStartUs + (range.endMs() - shownFrom) * 1000;
            session = r.getIngestSessionId();
        } else if (!session.equals(r.getIngestSessionId()) || firstDts - anchor < video.endDecodeTime()) {
            // a new session (or a clock that went back): place it by wall clock, never overlapping
            long out = (r.getStartTimeMs() - firstFrameMs) * tsv / 1000 + keyframeCts - ctsAt(cts, 0);
            out = Math.max(out, video.endDecodeTime());
            anchor = firstDts - out;
            session = r.getIngestSessionId();
        }
        if (audioConfig != null) {
            audioAnchor = Math.floorDiv(anchor * audioConfig.timescale(), tsv);
        }
        // the end is placed by the wall clock of the segment it falls in: the camera's media clock may
        // run a little faster or slower than its wall clock, and the last frame is the one captured at the end
        if (r.getStartTimeMs() < range.endMs()) {
            windowEndUs = usOf(firstPts - anchor, tsv) + (range.endMs() - r.getStartTimeMs()) * 1000;
        }
        if (usOf(firstDts - anchor, tsv) >= windowEndUs) {
            done = true;
            return;
        }
        segments++;
        addSamples(r, v, from, video, anchor, tsv, true);
        if (a != null) {
            addSamples(r, a, 0, audio, audioAnchor, audioConfig.timescale(), false);
        }
        if (!started && !video.isEmpty()) {
            started = true;
            done = stopAtStart;
            List<TrackConfig> configs = audioConfig == null ? List.of(videoConfig) : List.of(videoConfig, audioConfig);
            onStart.accept(new ExportStart(
                    range.format() == ExportFormat.FMP4
                            ? FragmentedMp4.fileType(configs)
                            : ProgressiveMp4.fileType(configs),
                    firstFrameMs,
                    shownStartMs()));
        }
    }

    private void addSamples(
            SegmentRecord r,
            SegmentTrack t,
            int from,
            SampleTable table,
            long trackAnchor,
            int timescale,
            boolean isVideo) {
        List<Integer> sizes = t.getSampleSizes();
        List<Integer> durations = t.getSampleDurations();
        List<Integer> cts = t.getCompositionOffsets();
        Set<Integer> sync = isVideo ? new HashSet<>(t.getSyncSamples()) : Set.of();
        long dts = t.getBaseDecodeTime();
        long offset = t.getDataOffset();
        for (int i = 0; i < from; i++) {
            dts += durations.get(i);
            offset += sizes.get(i);
        }
        long readStart = -1;
        long readLength = 0;
        for (int i = from; i < sizes.size(); i++) {
            long out = dts - trackAnchor;
            if (usOf(out, timescale) >= windowEndUs) {
                break;
            }
            // samples before output time 0 or overlapping what is already in the table are left out
            boolean keep = out >= 0 && (table.isEmpty() || out > table.lastDecodeTime());
            if (keep) {
                if (readStart < 0) {
                    readStart = offset;
                    table.startChunk(payload);
                }
                table.add(
                        out, durations.get(i), sizes.get(i), isVideo ? ctsAt(cts, i) : 0, !isVideo || sync.contains(i));
                readLength += sizes.get(i);
                payload += sizes.get(i);
            } else if (readStart >= 0) {
                break; // keep runs contiguous: nothing is skipped after the first kept sample
            }
            dts += durations.get(i);
            offset += sizes.get(i);
        }
        if (readStart >= 0) {
            read(r.getObjectKey(), readStart, readLength);
        }
    }

    private void read(String key, long objectOffset, long length) {
        long fileOffset = payload - length; // relative to the mdat payload until the header size is known
        if (!reads.isEmpty()) {
            MediaRead last = reads.get(reads.size() - 1);
            if (last.key().equals(key) && last.objectOffset() + last.length() == objectOffset) {
                reads.set(
                        reads.size() - 1,
                        new MediaRead(key, last.objectOffset(), last.length() + length, last.fileOffset()));
                return;
            }
        }
        reads.add(new MediaRead(key, objectOffset, length, fileOffset));
    }

    /** The segment's init segment; refuses one whose codec configuration differs from the first segment's. */
    private InitSegment checkConfiguration(SegmentRecord r) {
        if (r.getInitKey().equals(initKey)) {
            return init;
        }
        InitSegment next = inits.apply(r.getInitKey());
        if (init == null) {
            videoConfig = next.tracks().stream()
                    .filter(TrackConfig::video)
                    .findFirst()
                    .orElseThrow(() ->
                            new ExportRefusedException(404, "recording of " + range.stream() + " has no video track"));
            audioConfig =
                    next.tracks().stream().filter(t -> !t.video()).findFirst().orElse(null);
        } else {
            TrackConfig nextVideo = next.tracks().stream()
                    .filter(TrackConfig::video)
                    .findFirst()
                    .orElse(null);
            TrackConfig nextAudio =
                    next.tracks().stream().filter(t -> !t.video()).findFirst().orElse(null);
            boolean audioChanged =
                    audioConfig != null && nextAudio != null && !nextAudio.sameConfiguration(audioConfig);
            if (nextVideo == null || !nextVideo.sameConfiguration(videoConfig) || audioChanged) {
                throw new ExportRefusedException(
                        409,
                        "the codec configuration of " + range.stream()
                                + " changes at " + Instant.ofEpochMilli(r.getStartTimeMs()) + " (" + r.getStartTimeMs()
                                + ", codecs " + r.getCodecs() + "); one MP4 cannot hold both: export the ranges before"
                                + " and after it separately, or as a job (one file per configuration)",
                        r.getStartTimeMs());
            }
        }
        init = next;
        initKey = r.getInitKey();
        return next;
    }

    /** Index of the last sync sample shown at or before the start (the first sample if none is). */
    private int keyframeAtOrBefore(SegmentRecord r, SegmentTrack v, int tsv) {
        List<Integer> cts = v.getCompositionOffsets();
        long firstPts = v.getBaseDecodeTime() + ctsAt(cts, 0);
        int best = v.getSyncSamples().isEmpty() ? 0 : v.getSyncSamples().get(0);
        for (int i : v.getSyncSamples()) {
            long pts = dtsAt(v, i) + ctsAt(cts, i);
            long wall = r.getStartTimeMs() + (pts - firstPts) * 1000 / tsv;
            if (wall <= range.startMs() && i > best) {
                best = i;
            }
        }
        return best;
    }

    /** The plan of what was added; refuses (404) a range in which no video was planned. */
    ExportPlan finish() {
        if (video.isEmpty()) {
            throw new ExportRefusedException(
                    404, "no recording of " + range.stream() + " between " + range.startMs() + " and " + range.endMs());
        }
        List<ProgressiveMp4.Track> tracks = new ArrayList<>();
        tracks.add(new ProgressiveMp4.Track(videoConfig, video));
        if (audioConfig != null && !audio.isEmpty()) {
            tracks.add(new ProgressiveMp4.Track(audioConfig, audio));
        }
        long shownUs = windowEndUs - windowStartUs;
        long shownStart = shownStartMs();
        long mediaEndUs = Math.min(windowEndUs, usOf(video.endDecodeTime(), videoConfig.timescale()));
        long durationMs = Math.max(0, (mediaEndUs - windowStartUs) / 1000);
        if (range.format() == ExportFormat.FMP4) {
            FragmentedMp4 file = FragmentedMp4.of(tracks, windowStartUs, shownUs);
            return new ExportPlan(
                    file.init(),
                    fragmentReads(file),
                    new Fragments(file),
                    file.size(),
                    firstFrameMs,
                    shownStart,
                    durationMs,
                    segments);
        }
        byte[] header = ProgressiveMp4.header(tracks, windowStartUs, shownUs, payload);
        List<MediaRead> placed = new ArrayList<>(reads.size());
        for (MediaRead m : reads) {
            placed.add(new MediaRead(m.key(), m.objectOffset(), m.length(), header.length + m.fileOffset()));
        }
        return new ExportPlan(
                header,
                placed,
                FragmentHeaders.NONE,
                header.length + payload,
                firstFrameMs,
                shownStart,
                durationMs,
                segments);
    }

    /** Capture time where the file starts showing: the start, or in imprecise mode the keyframe before it. */
    private long shownStartMs() {
        return range.precise() ? Math.max(range.startMs(), firstFrameMs) : firstFrameMs;
    }

    /** The reads (placed in the progressive payload) moved into the fragments' mdats, split where a fragment ends. */
    private List<MediaRead> fragmentReads(FragmentedMp4 file) {
        List<MediaRead> placed = new ArrayList<>(reads.size());
        int k = 0;
        for (MediaRead m : reads) {
            long at = m.fileOffset();
            long end = m.fileOffset() + m.length();
            while (at < end) {
                while (file.payloadEnd(k) <= at) {
                    k++;
                }
                long part = Math.min(end, file.payloadEnd(k)) - at;
                placed.add(
                        new MediaRead(m.key(), m.objectOffset() + (at - m.fileOffset()), part, file.fileOffset(k, at)));
                at += part;
            }
        }
        return placed;
    }

    /** The fragment headers of a planned fMP4, built as they are written. */
    private record Fragments(FragmentedMp4 file) implements FragmentHeaders {
        @Override
        public int count() {
            return file.fragmentCount();
        }

        @Override
        public long offset(int i) {
            return file.headerOffset(i);
        }

        @Override
        public int size(int i) {
            return file.headerSize(i);
        }

        @Override
        public byte[] bytes(int i) {
            return file.header(i);
        }
    }

    private static long dtsAt(SegmentTrack t, int index) {
        long dts = t.getBaseDecodeTime();
        List<Integer> durations = t.getSampleDurations();
        for (int i = 0; i < index; i++) {
            dts += durations.get(i);
        }
        return dts;
    }

    private static int ctsAt(List<Integer> cts, int i) {
        return i < cts.size() ? cts.get(i) : 0;
    }

    private static long usOf(long ticks, int timescale) {
        return Math.floorDiv(ticks * 1_000_000L, timescale);
    }
}
