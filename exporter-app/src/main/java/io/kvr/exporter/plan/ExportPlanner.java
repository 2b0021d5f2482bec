package io.kvr.exporter.plan;

import io.kvr.media.mp4.FragmentedMp4;
import io.kvr.media.mp4.InitSegment;
import io.kvr.media.mp4.InitSegment.TrackConfig;
import io.kvr.media.mp4.ProgressiveMp4;
import io.kvr.media.mp4.SampleTable;
import io.kvr.index.IndexedSegment;
import io.kvr.index.SegmentIndex;
import io.kvr.schemas.SegmentRecord;
import io.kvr.schemas.SegmentTrack;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Plans an export from the index alone: which samples of which segments, where their bytes are, and the file
 * header with the complete sample tables. No media byte is read here.
 *
 * <p>The output timeline starts at the keyframe at or before the start. Inside one ingest session, sample times
 * keep their recorded spacing (a gap becomes a longer last sample before it: the picture holds, the sound
 * pauses). A new session is placed at its capture wall-clock offset from the start, so a gap between sessions
 * keeps its length too. Segments are fetched from the index an hour at a time, so a 24 h export never holds
 * all its segment records at once.
 */
public final class ExportPlanner {
    private static final long WINDOW_MS = 3_600_000L;
    private static final long FIRST_WINDOW_MS = 300_000L;

    private final SegmentIndex index;
    private final InitSegments inits;
    /** Index reads run on virtual threads: they wait on the index, not on a core. */
    private final Executor fetches = task -> Thread.ofVirtual().name("export-index-read").start(task);

    public ExportPlanner(SegmentIndex index, InitSegments inits) {
        this.index = index;
        this.inits = inits;
    }

    public ExportPlan plan(ExportRange range) {
        return plan(range, start -> { });
    }

    /**
     * Plans {@code range}; {@code onStart} gets the file's first bytes (its {@code ftyp}) and start times as soon
     * as the first segment is planned, before the rest of a long range is read from the index: once it is called,
     * the only refusals left are a codec change later in the range and an index that stops answering.
     */
    public ExportPlan plan(ExportRange range, Consumer<ExportStart> onStart) {
        Builder b = new Builder(range, onStart);
        scan(range, b);
        return b.finish();
    }

    /**
     * Checks that {@code range} can be exported (a known stream with recorded video in it) from its first
     * segments only, without planning the whole range; a codec change later in the range is not looked for.
     */
    public void check(ExportRange range) {
        Builder b = new Builder(range, start -> { });
        b.stopAtStart = true;
        scan(range, b);
        if (!b.started) {
            b.finish(); // refuses: no recording in the range
        }
    }

    private void scan(ExportRange range, Builder b) {
        String id = range.stream().id();
        if (index.summary(id).isEmpty()) {
            throw new ExportRefusedException(404, "unknown stream " + id);
        }
        // a short first window starts the file soon; later windows are read while the one before is planned
        long w = range.startMs();
        long next = Math.min(range.endMs(), w + FIRST_WINDOW_MS);
        CompletableFuture<List<IndexedSegment>> fetched = fetch(id, w, next);
        Set<String> previousWindow = Set.of();
        while (!b.done) {
            List<IndexedSegment> segments = join(fetched);
            w = next;
            next = Math.min(range.endMs(), w + WINDOW_MS);
            fetched = w < range.endMs() ? fetch(id, w, next) : null;
            Set<String> thisWindow = new HashSet<>();
            for (IndexedSegment s : segments) {
                SegmentRecord r = s.segment();
                thisWindow.add(r.getObjectKey());
                // a segment overlapping two windows comes twice
                if (!previousWindow.contains(r.getObjectKey()) && !b.done) {
                    b.add(r);
                }
            }
            previousWindow = thisWindow;
            if (fetched == null) {
                break;
            }
        }
        if (fetched != null) {
            fetched.cancel(true);
        }
    }

    private CompletableFuture<List<IndexedSegment>> fetch(String id, long from, long to) {
        return CompletableFuture.supplyAsync(() -> index.range(id, from, to), fetches);
    }

    private static List<IndexedSegment> join(CompletableFuture<List<IndexedSegment>> fetched) {
        try {
            return fetched.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re; // IndexUnavailableException and the like, as a direct call would throw them
            }
            throw e;
        }
    }

    /** Accumulates one export's tables and reads. */
    private final class Builder {
        final ExportRange range;
        final Consumer<ExportStart> onStart;
        boolean stopAtStart;
        boolean started;
        InitSegment init;
        String initKey;
        TrackConfig videoConfig;
        TrackConfig audioConfig;
        final SampleTable video = new SampleTable();
        final SampleTable audio = new SampleTable();
        final List<MediaRead> reads = new ArrayList<>();
        long payload;
        String session;
        long anchor; // video decode time (session clock) at output time 0
        long audioAnchor;
        long firstFrameMs;
        long keyframeCts;
        long windowStartUs;
        long windowEndUs;
        int segments;
        boolean done;

        Builder(ExportRange range, Consumer<ExportStart> onStart) {
            this.range = range;
            this.onStart = onStart;
        }

        void add(SegmentRecord r) {
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
                onStart.accept(new ExportStart(range.format() == ExportFormat.FMP4 ? FragmentedMp4.fileType(configs)
                        : ProgressiveMp4.fileType(configs), firstFrameMs, shownStartMs()));
            }
        }

        private void addSamples(SegmentRecord r, SegmentTrack t, int from, SampleTable table, long trackAnchor,
                                int timescale, boolean isVideo) {
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
                    table.add(out, durations.get(i), sizes.get(i), isVideo ? ctsAt(cts, i) : 0,
                            !isVideo || sync.contains(i));
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
                    reads.set(reads.size() - 1, new MediaRead(key, last.objectOffset(), last.length() + length,
                            last.fileOffset()));
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
            InitSegment next = inits.get(r.getInitKey());
            if (init == null) {
                videoConfig = next.tracks().stream().filter(TrackConfig::video).findFirst()
                        .orElseThrow(() -> new ExportRefusedException(404, "recording of " + range.stream()
                                + " has no video track"));
                audioConfig = next.tracks().stream().filter(t -> !t.video()).findFirst().orElse(null);
            } else {
                TrackConfig nextVideo = next.tracks().stream().filter(TrackConfig::video).findFirst().orElse(null);
                TrackConfig nextAudio = next.tracks().stream().filter(t -> !t.video()).findFirst().orElse(null);
                boolean audioChanged = audioConfig != null && nextAudio != null && !nextAudio.sameConfiguration(audioConfig);
                if (nextVideo == null || !nextVideo.sameConfiguration(videoConfig) || audioChanged) {
                    throw new ExportRefusedException(409, "the codec configuration of " + range.stream()
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

        ExportPlan finish() {
            if (video.isEmpty()) {
                throw new ExportRefusedException(404, "no recording of " + range.stream() + " between "
                        + range.startMs() + " and " + range.endMs());
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
                return new ExportPlan(file.init(), fragmentReads(file), new Fragments(file), file.size(), firstFrameMs,
                        shownStart, durationMs, segments);
            }
            byte[] header = ProgressiveMp4.header(tracks, windowStartUs, shownUs, payload);
            List<MediaRead> placed = new ArrayList<>(reads.size());
            for (MediaRead m : reads) {
                placed.add(new MediaRead(m.key(), m.objectOffset(), m.length(), header.length + m.fileOffset()));
            }
            return new ExportPlan(header, placed, FragmentHeaders.NONE, header.length + payload, firstFrameMs,
                    shownStart, durationMs, segments);
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
                    placed.add(new MediaRead(m.key(), m.objectOffset() + (at - m.fileOffset()), part,
                            file.fileOffset(k, at)));
                    at += part;
                }
            }
            return placed;
        }
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
