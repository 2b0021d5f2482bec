package io.kvr.media.mp4;

import io.kvr.media.cmaf.BoxWriter;
import java.nio.charset.StandardCharsets;
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
     */
    public static byte[] header(List<Track> tracks, long windowStartUs, long windowDurationUs, long mdatPayload) {
        byte[] attempt = build(tracks, windowStartUs, windowDurationUs, mdatPayload, false);
        if (attempt.length + mdatPayload > U32_MAX) {
            return build(tracks, windowStartUs, windowDurationUs, mdatPayload, true);
        }
        return attempt;
    }

    private static byte[] build(List<Track> tracks, long windowStartUs, long windowDurationUs, long mdatPayload,
                                boolean co64) {
        BoxWriter w = new BoxWriter(64 * 1024);
        int ftyp = w.begin("ftyp");
        w.fourcc("isom");
        w.u32(0x200);
        w.fourcc("isom");
        w.fourcc("iso2");
        // brands of the video codec: hvc1 for H.265, avc1 for H.264; none for MPEG-4 Part 2 (mp4v is plain isom)
        if (tracks.stream().anyMatch(t -> t.config().sampleEntry().startsWith("hv"))) {
            w.fourcc("hvc1");
        } else if (tracks.stream().anyMatch(t -> t.config().sampleEntry().startsWith("avc"))) {
            w.fourcc("avc1");
        }
        w.fourcc("mp41");
        w.end(ftyp);
        // the moov size is needed for the chunk offsets: write with a guess, then again with the real size
        int ftypSize = w.position();
        byte[] moov = moov(tracks, windowStartUs, windowDurationUs, 0, co64);
        boolean largeMdat = mdatPayload + 8 > U32_MAX;
        long base = ftypSize + moov.length + (largeMdat ? 16 : 8);
        moov = moov(tracks, windowStartUs, windowDurationUs, base, co64);
        w.bytes(moov);
        if (largeMdat) {
            w.u32(1);
            w.fourcc("mdat");
            w.u64(mdatPayload + 16);
        } else {
            w.u32(mdatPayload + 8);
            w.fourcc("mdat");
        }
        return w.toByteArray();
    }

    private static byte[] moov(List<Track> tracks, long windowStartUs, long windowDurationUs, long base, boolean co64) {
        int bytes = 4096;
        for (Track t : tracks) {
            bytes += t.samples().sampleCount() * 16 + t.samples().chunkCount() * 20;
        }
        BoxWriter w = new BoxWriter(bytes);
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
            trak(w, tracks.get(i), edits[i], base, co64);
        }
        w.end(moov);
        return w.toByteArray();
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

    private static void trak(BoxWriter w, Track track, Edit edit, long base, boolean co64) {
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
        long mediaDuration = s.mediaDuration();
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
        stbl(w, c, s, base, co64);
        w.end(minf);
        w.end(mdia);
        w.end(trak);
    }

    private static void stbl(BoxWriter w, InitSegment.TrackConfig c, SampleTable s, long base, boolean co64) {
        int stbl = w.begin("stbl");
        w.bytes(c.stsd());
        int n = s.sampleCount();

        int stts = w.beginFull("stts", 0, 0); // 8.6.1.2: runs of equal durations
        int countAt = w.position();
        w.u32(0);
        int entries = 0;
        for (int i = 0; i < n; ) {
            int d = s.duration(i);
            int j = i + 1;
            while (j < n && s.duration(j) == d) {
                j++;
            }
            w.u32(j - i);
            w.u32(d);
            entries++;
            i = j;
        }
        patch(w, countAt, entries);
        w.end(stts);

        if (s.anyCompositionOffset()) {
            boolean negative = false;
            for (int i = 0; i < n && !negative; i++) {
                negative = s.compositionOffset(i) < 0;
            }
            int ctts = w.beginFull("ctts", negative ? 1 : 0, 0); // 8.6.1.3
            countAt = w.position();
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
        countAt = w.position();
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
        patch(w, countAt, entries);
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
        for (int k = 0; k < chunks; k++) {
            if (co64) {
                w.u64(base + s.chunkOffset(k));
            } else {
                w.u32(base + s.chunkOffset(k));
            }
        }
        w.end(stco);
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
