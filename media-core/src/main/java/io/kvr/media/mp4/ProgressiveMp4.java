package io.kvr.media.mp4;

import io.kvr.media.bmff.Box;
import io.kvr.media.bmff.BoxWriter;
import io.kvr.media.bmff.ChunkOffsetBox;
import io.kvr.media.bmff.CompositionOffsetBox;
import io.kvr.media.bmff.EditBox;
import io.kvr.media.bmff.EditListBox;
import io.kvr.media.bmff.EncodedBox;
import io.kvr.media.bmff.FileTypeBox;
import io.kvr.media.bmff.HandlerBox;
import io.kvr.media.bmff.MediaBox;
import io.kvr.media.bmff.MediaDataBox;
import io.kvr.media.bmff.MediaHeaderBox;
import io.kvr.media.bmff.MediaInformationBox;
import io.kvr.media.bmff.MovieBox;
import io.kvr.media.bmff.MovieExtendsBox;
import io.kvr.media.bmff.MovieExtendsHeaderBox;
import io.kvr.media.bmff.MovieHeaderBox;
import io.kvr.media.bmff.SampleSizeBox;
import io.kvr.media.bmff.SampleTableBox;
import io.kvr.media.bmff.SampleToChunkBox;
import io.kvr.media.bmff.SyncSampleBox;
import io.kvr.media.bmff.TimeToSampleBox;
import io.kvr.media.bmff.TrackBox;
import io.kvr.media.bmff.TrackExtendsBox;
import io.kvr.media.bmff.TrackHeaderBox;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A progressive (non-fragmented) MP4: {@code ftyp}, {@code moov}, then one {@code mdat}. The header is built from
 * the sample tables alone, so it can be sent before any media byte is read; chunk offsets point past it into the
 * {@code mdat} payload. An edit list per track shows the presentation window: frames decoded before its start
 * (from the keyframe on) are hidden, and a track whose media starts later than the window (audio that begins a
 * few ms after the keyframe) gets an empty edit first, so tracks stay in sync.
 */
public final class ProgressiveMp4 {
    /** Movie timescale: milliseconds, so a 24 h movie fits 32-bit durations. */
    public static final int MOVIE_TIMESCALE = 1000;

    private static final long U32_MAX = 0xFFFF_FFFFL;

    /** A track to write: its configuration from the init segment and its samples. */
    public record Track(InitSegment.TrackConfig config, SampleTable samples) {}

    private ProgressiveMp4() {}

    /**
     * {@code ftyp} + {@code moov} + the {@code mdat} header for {@code mdatPayload} bytes of media. The window is on
     * the output timeline (where every track's decode times live) in microseconds; a media byte at payload offset
     * {@code o} must be written at file offset {@code header.length + o}.
     *
     * <p>Memory: a day's header is tens of MB (4 bytes a sample in {@code stsz}), so its size is computed from the
     * tables first and it is written once, into an array of exactly that size.
     */
    public static byte[] header(List<Track> tracks, long windowStartUs, long windowDurationUs, long mdatPayload) {
        FileTypeBox ftyp = fileTypeBox(tracks.stream().map(Track::config).toList());
        MediaDataBox mdat = new MediaDataBox(mdatPayload);
        // box sizes do not depend on the chunk offsets' base, only on their width
        long size = headerSize(ftyp, movieBox(tracks, windowStartUs, windowDurationUs, false, 0, false), mdat);
        boolean co64 = size + mdatPayload > U32_MAX;
        if (co64) {
            size = headerSize(ftyp, movieBox(tracks, windowStartUs, windowDurationUs, true, 0, false), mdat);
        }
        MovieBox moov = movieBox(tracks, windowStartUs, windowDurationUs, co64, size, false);
        BoxWriter w = new BoxWriter(new byte[(int) size], 0);
        ftyp.write(w);
        moov.write(w);
        mdat.writeHeader(w);
        return w.array();
    }

    private static long headerSize(FileTypeBox ftyp, MovieBox moov, MediaDataBox mdat) {
        long bytes = ftyp.size() + moov.size() + mdat.headerSize();
        if (bytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("an MP4 header of " + bytes + " bytes is too large");
        }
        return bytes;
    }

    /**
     * The {@code ftyp} box a file of tracks with these configurations starts with: all a client can be sent before
     * the sample tables are known (a long export's first bytes).
     */
    public static byte[] fileType(List<InitSegment.TrackConfig> configs) {
        return fileTypeBox(configs).toByteArray();
    }

    private static FileTypeBox fileTypeBox(List<InitSegment.TrackConfig> configs) {
        List<String> brands = new ArrayList<>(List.of("isom", "iso2"));
        // brands of the video codec: hvc1 for H.265, avc1 for H.264; none for MPEG-4 Part 2 (mp4v is plain isom)
        if (configs.stream().anyMatch(c -> c.sampleEntry().startsWith("hv"))) {
            brands.add("hvc1");
        } else if (configs.stream().anyMatch(c -> c.sampleEntry().startsWith("avc"))) {
            brands.add("avc1");
        }
        brands.add("mp41");
        return new FileTypeBox("isom", 0x200, brands);
    }

    /**
     * The {@code moov} of a fragmented file ({@link FragmentedMp4}): empty sample tables and an {@code mvex}
     * announcing the movie fragments; its edit lists are the same as the progressive file's.
     */
    static MovieBox fragmentedMoov(List<Track> tracks, long windowStartUs, long windowDurationUs) {
        return movieBox(tracks, windowStartUs, windowDurationUs, false, 0, true);
    }

    /**
     * The {@code moov}; chunk offsets are {@code base} (the header's size) plus the tables' offsets into the
     * {@code mdat} payload.
     */
    private static MovieBox movieBox(
            List<Track> tracks,
            long windowStartUs,
            long windowDurationUs,
            boolean co64,
            long base,
            boolean fragmented) {
        long movieDuration = 0;
        int nextTrackId = 1;
        Edit[] edits = new Edit[tracks.size()];
        for (int i = 0; i < tracks.size(); i++) {
            edits[i] = edit(tracks.get(i), windowStartUs, windowDurationUs);
            movieDuration = Math.max(movieDuration, edits[i].total());
            nextTrackId = Math.max(nextTrackId, tracks.get(i).config().trackId() + 1);
        }
        List<TrackBox> traks = new ArrayList<>(tracks.size());
        List<TrackExtendsBox> trex = new ArrayList<>(tracks.size());
        for (int i = 0; i < tracks.size(); i++) {
            traks.add(trak(tracks.get(i), edits[i], co64, base, fragmented));
            trex.add(new TrackExtendsBox(tracks.get(i).config().trackId())); // every fragment states its samples
        }
        Optional<MovieExtendsBox> mvex = fragmented
                ? Optional.of(new MovieExtendsBox(Optional.of(new MovieExtendsHeaderBox(movieDuration)), trex))
                : Optional.empty();
        return new MovieBox(new MovieHeaderBox(MOVIE_TIMESCALE, movieDuration, nextTrackId), traks, mvex);
    }

    /** The edit list of a track: an optional empty lead (movie ms), then media from {@code mediaTime} for {@code shown} ms. */
    private record Edit(long emptyMs, long mediaTime, long shownMs) {
        long total() {
            return emptyMs + shownMs;
        }
    }

    private static Edit edit(Track track, long windowStartUs, long windowDurationUs) {
        SampleTable s = track.samples();
        int ts = track.config().timescale();
        long startTicks = Math.floorDiv(windowStartUs * ts, 1_000_000L);
        long endTicks = Math.min(
                s.endDecodeTime() + maxCompositionOffset(s),
                startTicks + Math.floorDiv(windowDurationUs * ts, 1_000_000L));
        long lead = s.firstDecodeTime() - startTicks;
        if (lead > 0) {
            long leadMs = lead * MOVIE_TIMESCALE / ts;
            long shown = Math.max(0, (endTicks - s.firstDecodeTime()) * MOVIE_TIMESCALE / ts);
            return new Edit(leadMs, 0, shown);
        }
        return new Edit(0, -lead, Math.max(0, (endTicks - startTicks) * MOVIE_TIMESCALE / ts));
    }

    private static long maxCompositionOffset(SampleTable s) {
        return s.sampleCount() > 0 ? Math.max(0, s.compositionOffset(s.sampleCount() - 1)) : 0;
    }

    private static TrackBox trak(Track track, Edit edit, boolean co64, long base, boolean fragmented) {
        InitSegment.TrackConfig c = track.config();
        SampleTable s = track.samples();
        boolean video = c.video();
        TrackHeaderBox tkhd = new TrackHeaderBox(
                c.trackId(), edit.total(), video ? 0 : TrackHeaderBox.AUDIO_VOLUME, c.width(), c.height());
        List<EditListBox.Entry> entries = new ArrayList<>(2);
        if (edit.emptyMs() > 0) {
            entries.add(new EditListBox.Entry(edit.emptyMs(), EditListBox.Entry.EMPTY));
        }
        entries.add(new EditListBox.Entry(edit.shownMs(), edit.mediaTime()));
        long mediaDuration = fragmented ? 0 : s.mediaDuration(); // a fragmented track's samples are in its moofs
        Box stsd = new EncodedBox(c.stsd());
        SampleTableBox stbl = fragmented ? SampleTableBox.empty(stsd) : stbl(stsd, s, co64, base);
        MediaBox mdia = new MediaBox(
                new MediaHeaderBox(c.timescale(), mediaDuration),
                new HandlerBox(c.handler(), video ? "VideoHandler" : "SoundHandler"),
                MediaInformationBox.selfContained(video, stbl));
        return new TrackBox(tkhd, Optional.of(new EditBox(new EditListBox(entries))), mdia);
    }

    /** The sample tables, read from the arrays of {@code s} without copying the per-sample ones. */
    private static SampleTableBox stbl(Box stsd, SampleTable s, boolean co64, long base) {
        int n = s.sampleCount();
        List<Box> boxes = new ArrayList<>(7);
        boxes.add(stsd);
        int runs = s.durationRunCount(); // runs of equal durations, kept as runs by SampleTable
        int[] counts = new int[runs];
        int[] deltas = new int[runs];
        for (int r = 0; r < runs; r++) {
            counts[r] = s.durationRunLength(r);
            deltas[r] = s.durationRunValue(r);
        }
        boxes.add(new TimeToSampleBox(counts, deltas));
        if (s.anyCompositionOffset()) {
            boxes.add(new CompositionOffsetBox(s.compositionOffsets(), n));
        }
        if (s.syncCount() < n) {
            boxes.add(new SyncSampleBox(s.syncSamples(), s.syncCount()));
        }
        int chunks = s.chunkCount();
        int[] samplesPerChunk = new int[chunks];
        for (int k = 0; k < chunks; k++) {
            samplesPerChunk[k] = s.chunkSamples(k);
        }
        boxes.add(SampleToChunkBox.ofChunks(samplesPerChunk));
        boxes.add(new SampleSizeBox(s.sizes(), n));
        boxes.add(new ChunkOffsetBox(s.chunkOffsets(), chunks, base, co64));
        return new SampleTableBox(boxes);
    }
}
