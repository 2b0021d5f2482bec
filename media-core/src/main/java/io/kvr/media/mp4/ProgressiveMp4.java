package io.kvr.media.mp4;

import io.kvr.media.cmaf.BoxWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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
    public record Track(InitSegment.TrackConfig config, SampleTable samples) {
    }

    private ProgressiveMp4() {
    }

    /**
     * {@code ftyp} + {@code moov} + the {@code mdat} header for {@code mdatPayload} bytes of media. The window is on
     * the output timeline (where every track's decode times live) in microseconds; a media byte at payload offset
     * {@code o} must be written at file offset {@code header.length + o}.
     *
     * <p>Memory: a day's header is tens of MB (4 bytes a sample in {@code stsz}), so it is written once, into an
     * array sized from the tables, with chunk offsets relative to the {@code mdat} payload that are then moved by the
     * header's own size in place; only the final trim copies it.
     */
    public static byte[] header(List<Track> tracks, long windowStartUs, long windowDurationUs, long mdatPayload) {
        int bound = sizeBound(tracks, true);
        boolean co64 = bound + mdatPayload > U32_MAX;
        BoxWriter w = new BoxWriter(co64 ? bound : sizeBound(tracks, false));
        w.bytes(fileType(tracks.stream().map(Track::config).toList()));
        List<int[]> offsetTables = new ArrayList<>();
        moov(w, tracks, windowStartUs, windowDurationUs, co64, offsetTables, false);
        if (mdatPayload + 8 > U32_MAX) {
            w.u32(1);
            w.fourcc("mdat");
            w.u64(mdatPayload + 16);
        } else {
            w.u32(mdatPayload + 8);
            w.fourcc("mdat");
        }
        long base = w.position();
        for (int[] table : offsetTables) {
            addToOffsets(w.array(), table[0], table[1], co64, base);
        }
        return w.toByteArray();
    }

    /**
     * The {@code ftyp} box a file of tracks with these configurations starts with: all a client can be sent before
     * the sample tables are known (a long export's first bytes).
     */
    public static byte[] fileType(List<InitSegment.TrackConfig> configs) {
        BoxWriter w = new BoxWriter(64);
        int ftyp = w.begin("ftyp");
        w.fourcc("isom");
        w.u32(0x200);
        w.fourcc("isom");
        w.fourcc("iso2");
        // brands of the video codec: hvc1 for H.265, avc1 for H.264; none for MPEG-4 Part 2 (mp4v is plain isom)
        if (configs.stream().anyMatch(c -> c.sampleEntry().startsWith("hv"))) {
            w.fourcc("hvc1");
        } else if (configs.stream().anyMatch(c -> c.sampleEntry().startsWith("avc"))) {
            w.fourcc("avc1");
        }
        w.fourcc("mp41");
        w.end(ftyp);
        return w.toByteArray();
    }

    /** An upper bound of the header's size: fixed boxes plus what each table needs. */
    private static int sizeBound(List<Track> tracks, boolean co64) {
        long bytes = 4096;
        for (Track t : tracks) {
            SampleTable s = t.samples();
            int n = s.sampleCount();
            int chunks = s.chunkCount();
            bytes += 1024 + t.config().stsd().length
                    + 8L * s.durationRunCount()
                    + (s.anyCompositionOffset() ? 8L * n : 0)
                    + 4L * s.syncCount()
                    + 12L * chunks
                    + 4L * n
                    + (co64 ? 8L : 4L) * chunks;
        }
        if (bytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("an MP4 header of " + bytes + " bytes is too large");
        }
        return (int) bytes;
    }

    /** Adds {@code base} to {@code count} chunk offsets (32 or 64 bit) written from {@code at}. */
    private static void addToOffsets(byte[] b, int at, int count, boolean co64, long base) {
        int width = co64 ? 8 : 4;
        for (int i = 0; i < count; i++) {
            int p = at + i * width;
            long v = 0;
            for (int k = 0; k < width; k++) {
                v = (v << 8) | (b[p + k] & 0xFF);
            }
            v += base;
            for (int k = width - 1; k >= 0; k--) {
                b[p + k] = (byte) v;
                v >>>= 8;
            }
        }
    }

    /**
     * The {@code moov} of a fragmented file ({@link FragmentedMp4}): empty sample tables and an {@code mvex}
     * announcing the movie fragments; its edit lists are the same as the progressive file's.
     */
    static byte[] fragmentedMoov(List<Track> tracks, long windowStartUs, long windowDurationUs) {
        BoxWriter w = new BoxWriter(4096);
        moov(w, tracks, windowStartUs, windowDurationUs, false, new ArrayList<>(), true);
        return w.toByteArray();
    }

    private static void moov(BoxWriter w, List<Track> tracks, long windowStartUs, long windowDurationUs, boolean co64,
                             List<int[]> offsetTables, boolean fragmented) {
        int moov = w.begin("moov");
        long movieDuration = 0;
        int nextTrackId = 1;
        Edit[] edits = new Edit[tracks.size()];
        for (int i = 0; i < tracks.size(); i++) {
            edits[i] = edit(tracks.get(i), windowStartUs, windowDurationUs);
            movieDuration = Math.max(movieDuration, edits[i].total());
            nextTrackId = Math.max(nextTrackId, tracks.get(i).config().trackId() + 1);
        }
        boolean v1 = movieDuration > U32_MAX;
        int mvhd = w.beginFull("mvhd", v1 ? 1 : 0, 0); // 8.2.2
        times(w, v1);
        w.u32(MOVIE_TIMESCALE);
        duration(w, v1, movieDuration);
        w.u32(0x0001_0000); // rate 1.0
        w.u16(0x0100); // volume 1.0
        w.zeros(10);
        matrix(w);
        w.zeros(24);
        w.u32(nextTrackId);
        w.end(mvhd);
        for (int i = 0; i < tracks.size(); i++) {
            trak(w, tracks.get(i), edits[i], co64, offsetTables, fragmented);
        }
        if (fragmented) {
            int mvex = w.begin("mvex"); // 8.8.1
            int mehd = w.beginFull("mehd", 1, 0); // 8.8.2: the whole movie's duration
            w.u64(movieDuration);
            w.end(mehd);
            for (Track t : tracks) {
                int trex = w.beginFull("trex", 0, 0); // 8.8.3: every fragment states its own sample values
                w.u32(t.config().trackId());
                w.u32(1); // default_sample_description_index
                w.u32(0);
                w.u32(0);
                w.u32(0);
                w.end(trex);
            }
            w.end(mvex);
        }
        w.end(moov);
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
        long endTicks = Math.min(s.endDecodeTime() + maxCompositionOffset(s),
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

    private static void trak(BoxWriter w, Track track, Edit edit, boolean co64, List<int[]> offsetTables,
                             boolean fragmented) {
        InitSegment.TrackConfig c = track.config();
        SampleTable s = track.samples();
        boolean video = c.video();
        int trak = w.begin("trak");
        boolean v1 = edit.total() > U32_MAX;
        int tkhd = w.beginFull("tkhd", v1 ? 1 : 0, 0x3); // 8.3.2, enabled | in movie
        times(w, v1);
        w.u32(c.trackId());
        w.u32(0);
        duration(w, v1, edit.total());
        w.zeros(8);
        w.u16(0); // layer
        w.u16(0); // alternate_group
        w.u16(video ? 0 : 0x0100);
        w.u16(0);
        matrix(w);
        w.u32((long) c.width() << 16);
        w.u32((long) c.height() << 16);
        w.end(tkhd);

        int edts = w.begin("edts"); // 8.6.5
        int elst = w.beginFull("elst", 0, 0);
        w.u32(edit.emptyMs() > 0 ? 2 : 1);
        if (edit.emptyMs() > 0) {
            w.u32(edit.emptyMs());
            w.u32(U32_MAX); // media_time -1: empty edit
            w.u32(0x0001_0000);
        }
        w.u32(edit.shownMs());
        w.u32(edit.mediaTime());
        w.u32(0x0001_0000); // media_rate 1.0
        w.end(elst);
        w.end(edts);

        int mdia = w.begin("mdia");
        long mediaDuration = fragmented ? 0 : s.mediaDuration(); // a fragmented track's samples are in its moofs
        boolean mv1 = mediaDuration > U32_MAX;
        int mdhd = w.beginFull("mdhd", mv1 ? 1 : 0, 0); // 8.4.2
        times(w, mv1);
        w.u32(c.timescale());
        duration(w, mv1, mediaDuration);
        w.u16(0x55c4); // language 'und'
        w.u16(0);
        w.end(mdhd);
        int hdlr = w.beginFull("hdlr", 0, 0);
        w.u32(0);
        w.fourcc(c.handler());
        w.zeros(12);
        w.bytes((video ? "VideoHandler\0" : "SoundHandler\0").getBytes(StandardCharsets.US_ASCII));
        w.end(hdlr);
        int minf = w.begin("minf");
        if (video) {
            int vmhd = w.beginFull("vmhd", 0, 1);
            w.zeros(8);
            w.end(vmhd);
        } else {
            int smhd = w.beginFull("smhd", 0, 0);
            w.zeros(4);
            w.end(smhd);
        }
        int dinf = w.begin("dinf");
        int dref = w.beginFull("dref", 0, 0);
        w.u32(1);
        int url = w.beginFull("url ", 0, 1);
        w.end(url);
        w.end(dref);
        w.end(dinf);
        if (fragmented) {
            emptyStbl(w, c);
        } else {
            stbl(w, c, s, co64, offsetTables);
        }
        w.end(minf);
        w.end(mdia);
        w.end(trak);
    }

    private static void stbl(BoxWriter w, InitSegment.TrackConfig c, SampleTable s, boolean co64,
                             List<int[]> offsetTables) {
        int stbl = w.begin("stbl");
        w.bytes(c.stsd());
        int n = s.sampleCount();

        int stts = w.beginFull("stts", 0, 0); // 8.6.1.2: runs of equal durations, kept as runs by SampleTable
        int entries = s.durationRunCount();
        w.u32(entries);
        for (int r = 0; r < entries; r++) {
            w.u32(s.durationRunLength(r));
            w.u32(s.durationRunValue(r));
        }
        w.end(stts);

        if (s.anyCompositionOffset()) {
            boolean negative = false;
            for (int i = 0; i < n && !negative; i++) {
                negative = s.compositionOffset(i) < 0;
            }
            int ctts = w.beginFull("ctts", negative ? 1 : 0, 0); // 8.6.1.3
            int countAt = w.position();
            w.u32(0);
            entries = 0;
            for (int i = 0; i < n; ) {
                int o = s.compositionOffset(i);
                int j = i + 1;
                while (j < n && s.compositionOffset(j) == o) {
                    j++;
                }
                w.u32(j - i);
                w.u32(o & 0xFFFF_FFFFL);
                entries++;
                i = j;
            }
            patch(w, countAt, entries);
            w.end(ctts);
        }

        if (s.syncCount() < n) {
            int stss = w.beginFull("stss", 0, 0); // 8.6.2
            w.u32(s.syncCount());
            for (int i = 0; i < s.syncCount(); i++) {
                w.u32(s.syncSample(i));
            }
            w.end(stss);
        }

        int chunks = s.chunkCount();
        int stsc = w.beginFull("stsc", 0, 0); // 8.7.4: runs of chunks with the same sample count
        int stscCountAt = w.position();
        w.u32(0);
        entries = 0;
        int previous = -1;
        for (int k = 0; k < chunks; k++) {
            int samples = s.chunkSamples(k);
            if (samples != previous) {
                w.u32(k + 1);
                w.u32(samples);
                w.u32(1);
                entries++;
                previous = samples;
            }
        }
        patch(w, stscCountAt, entries);
        w.end(stsc);

        int stsz = w.beginFull("stsz", 0, 0); // 8.7.3
        w.u32(0);
        w.u32(n);
        for (int i = 0; i < n; i++) {
            w.u32(s.size(i));
        }
        w.end(stsz);

        int stco = w.beginFull(co64 ? "co64" : "stco", 0, 0); // 8.7.5
        w.u32(chunks);
        offsetTables.add(new int[] {w.position(), chunks}); // relative to the mdat payload until header() moves them
        for (int k = 0; k < chunks; k++) {
            if (co64) {
                w.u64(s.chunkOffset(k));
            } else {
                w.u32(s.chunkOffset(k));
            }
        }
        w.end(stco);
        w.end(stbl);
    }

    /** The sample tables of a fragmented track: only the sample description; the samples are in the fragments. */
    private static void emptyStbl(BoxWriter w, InitSegment.TrackConfig c) {
        int stbl = w.begin("stbl");
        w.bytes(c.stsd());
        for (String table : new String[] {"stts", "stsc", "stco"}) {
            int box = w.beginFull(table, 0, 0);
            w.u32(0);
            w.end(box);
        }
        int stsz = w.beginFull("stsz", 0, 0);
        w.u32(0);
        w.u32(0);
        w.end(stsz);
        w.end(stbl);
    }

    private static void patch(BoxWriter w, int at, int value) {
        byte[] b = w.array();
        b[at] = (byte) (value >>> 24);
        b[at + 1] = (byte) (value >>> 16);
        b[at + 2] = (byte) (value >>> 8);
        b[at + 3] = (byte) value;
    }

    private static void times(BoxWriter w, boolean v1) {
        if (v1) {
            w.u64(0);
            w.u64(0);
        } else {
            w.u32(0);
            w.u32(0);
        }
    }

    private static void duration(BoxWriter w, boolean v1, long duration) {
        if (v1) {
            w.u64(duration);
        } else {
            w.u32(duration);
        }
    }

    private static void matrix(BoxWriter w) {
        long[] unity = {0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000};
        for (long v : unity) {
            w.u32(v);
        }
    }
}
