package io.kvr.media.mp4;

import io.kvr.media.cmaf.BoxWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A fragmented MP4 (ISO/IEC 14496-12 8.8) laid out from the same sample tables as a {@link ProgressiveMp4}:
 * {@code ftyp} and a {@code moov} with empty sample tables, the same edit lists and an {@code mvex}, then one
 * {@code moof} + {@code mdat} per fragment. A fragment holds at most one run (chunk) of each track, in the order of
 * the progressive file's {@code mdat} payload, so the media bytes keep the same order and each fragment's payload
 * is one contiguous span of it: an export's fragments are its source segments. Every size is known from the tables,
 * so the whole layout (and the file size) is fixed before any media byte is read; fragment headers are built only
 * when written, so a long export never holds them all.
 */
public final class FragmentedMp4 {
    private static final long U32_MAX = 0xFFFF_FFFFL;
    private static final int TFHD_DEFAULT_BASE_IS_MOOF = 0x02_0000;
    private static final int TRUN_DATA_OFFSET = 0x001;
    private static final int TRUN_DURATION = 0x100;
    private static final int TRUN_SIZE = 0x200;
    private static final int TRUN_FLAGS = 0x400;
    private static final int TRUN_COMPOSITION_OFFSET = 0x800;
    /** 8.8.3.1 sample flags: a sync sample depends on no other. */
    private static final int SYNC_FLAGS = 0x0200_0000;
    /** 8.8.3.1 sample flags: depends on others, is_non_sync_sample. */
    private static final int NON_SYNC_FLAGS = 0x0101_0000;

    /** One track's samples {@code [firstSample, firstSample + count)} in a fragment. */
    private record Run(int track, int firstSample, int count, long mediaTime, long payloadOffset) {
    }

    /** A fragment: its runs and the span {@code [payloadStart, payloadEnd)} of the progressive payload they fill. */
    private record Fragment(long fileOffset, int headerSize, long payloadStart, long payloadEnd, List<Run> runs) {
    }

    private final List<ProgressiveMp4.Track> tracks;
    private final boolean[] compositionOffsets;
    private final boolean[] negativeOffsets;
    private final byte[] init;
    private final List<Fragment> fragments;
    private final long size;

    private FragmentedMp4(List<ProgressiveMp4.Track> tracks, byte[] init) {
        this.tracks = List.copyOf(tracks);
        this.init = init;
        this.compositionOffsets = new boolean[tracks.size()];
        this.negativeOffsets = new boolean[tracks.size()];
        for (int t = 0; t < tracks.size(); t++) {
            SampleTable s = tracks.get(t).samples();
            compositionOffsets[t] = s.anyCompositionOffset();
            for (int i = 0; i < s.sampleCount() && compositionOffsets[t] && !negativeOffsets[t]; i++) {
                negativeOffsets[t] = s.compositionOffset(i) < 0;
            }
        }
        this.fragments = layOut();
        Fragment last = fragments.isEmpty() ? null : fragments.get(fragments.size() - 1);
        this.size = last == null ? init.length : last.fileOffset() + last.headerSize()
                + (last.payloadEnd() - last.payloadStart());
    }

    /**
     * Lays out the fragmented file of {@code tracks}, whose chunk offsets count from the start of one progressive
     * payload; the window (output timeline, microseconds) becomes the edit lists, as in {@link ProgressiveMp4}.
     */
    public static FragmentedMp4 of(List<ProgressiveMp4.Track> tracks, long windowStartUs, long windowDurationUs) {
        BoxWriter w = new BoxWriter(4096);
        w.bytes(fileType(tracks.stream().map(ProgressiveMp4.Track::config).toList()));
        w.bytes(ProgressiveMp4.fragmentedMoov(tracks, windowStartUs, windowDurationUs));
        return new FragmentedMp4(tracks, w.toByteArray());
    }

    /** The {@code ftyp} box a fragmented file of tracks with these configurations starts with. */
    public static byte[] fileType(List<InitSegment.TrackConfig> configs) {
        BoxWriter w = new BoxWriter(64);
        int ftyp = w.begin("ftyp");
        w.fourcc("isom");
        w.u32(0x200);
        w.fourcc("isom");
        w.fourcc("iso6"); // movie fragments with tfdt
        boolean hevc = configs.stream().anyMatch(c -> c.sampleEntry().startsWith("hv"));
        w.fourcc(hevc ? "hvc1" : "avc1");
        w.fourcc("mp41");
        w.end(ftyp);
        return w.toByteArray();
    }

    /** {@code ftyp} and {@code moov}: the start of the file. */
    public byte[] init() {
        return init.clone();
    }

    public int initSize() {
        return init.length;
    }

    /** The whole file's size in bytes. */
    public long size() {
        return size;
    }

    public int fragmentCount() {
        return fragments.size();
    }

    /** File offset of fragment {@code k}'s {@code moof}. */
    public long headerOffset(int k) {
        return fragments.get(k).fileOffset();
    }

    /** Bytes of fragment {@code k}'s {@code moof} and {@code mdat} header. */
    public int headerSize(int k) {
        return fragments.get(k).headerSize();
    }

    /** Start of the span of the progressive payload that fragment {@code k}'s {@code mdat} holds. */
    public long payloadStart(int k) {
        return fragments.get(k).payloadStart();
    }

    /** End (exclusive) of the span of the progressive payload that fragment {@code k}'s {@code mdat} holds. */
    public long payloadEnd(int k) {
        return fragments.get(k).payloadEnd();
    }

    /** File offset of the byte at {@code payloadOffset} of the progressive payload, which fragment {@code k} holds. */
    public long fileOffset(int k, long payloadOffset) {
        Fragment f = fragments.get(k);
        if (payloadOffset < f.payloadStart() || payloadOffset >= f.payloadEnd()) {
            throw new IllegalArgumentException("payload offset " + payloadOffset + " is not in fragment " + k);
        }
        return f.fileOffset() + f.headerSize() + (payloadOffset - f.payloadStart());
    }

    /** Fragment {@code k}'s {@code moof} and the header of its {@code mdat}. */
    public byte[] header(int k) {
        Fragment f = fragments.get(k);
        byte[] out = new byte[f.headerSize()];
        BoxWriter w = new BoxWriter(out, 0);
        int moof = w.begin("moof"); // 8.8.4
        int mfhd = w.beginFull("mfhd", 0, 0); // 8.8.5
        w.u32(k + 1L);
        w.end(mfhd);
        int moofSize = f.headerSize() - 8;
        for (Run r : f.runs()) {
            SampleTable s = tracks.get(r.track()).samples();
            boolean cts = compositionOffsets[r.track()];
            int traf = w.begin("traf"); // 8.8.6
            int tfhd = w.beginFull("tfhd", 0, TFHD_DEFAULT_BASE_IS_MOOF); // 8.8.7
            w.u32(tracks.get(r.track()).config().trackId());
            w.end(tfhd);
            int tfdt = w.beginFull("tfdt", 1, 0); // 8.8.12: media time, 0 at the track's first sample
            w.u64(r.mediaTime());
            w.end(tfdt);
            int flags = TRUN_DATA_OFFSET | TRUN_DURATION | TRUN_SIZE | TRUN_FLAGS | (cts ? TRUN_COMPOSITION_OFFSET : 0);
            int trun = w.beginFull("trun", negativeOffsets[r.track()] ? 1 : 0, flags); // 8.8.8
            w.u32(r.count());
            w.u32(moofSize + 8 + (r.payloadOffset() - f.payloadStart()));
            for (int i = r.firstSample(); i < r.firstSample() + r.count(); i++) {
                w.u32(s.duration(i));
                w.u32(s.size(i));
                w.u32(s.isSync(i) ? SYNC_FLAGS : NON_SYNC_FLAGS);
                if (cts) {
                    w.u32(s.compositionOffset(i) & U32_MAX);
                }
            }
            w.end(trun);
            w.end(traf);
        }
        w.end(moof);
        w.u32(8 + f.payloadEnd() - f.payloadStart());
        w.fourcc("mdat");
        if (w.position() != out.length) {
            throw new IllegalStateException("fragment " + k + " header is " + w.position() + " bytes, planned "
                    + out.length);
        }
        return out;
    }

    /** Splits the tracks' chunks, in payload order, into fragments of at most one run per track. */
    private List<Fragment> layOut() {
        List<Run> runs = new ArrayList<>();
        for (int t = 0; t < tracks.size(); t++) {
            SampleTable s = tracks.get(t).samples();
            long mediaTime = 0;
            for (int k = 0; k < s.chunkCount(); k++) {
                int first = s.chunkFirstSample(k);
                int count = s.chunkSamples(k);
                runs.add(new Run(t, first, count, mediaTime, s.chunkOffset(k)));
                for (int i = first; i < first + count; i++) {
                    mediaTime += s.duration(i);
                }
            }
        }
        runs.sort(java.util.Comparator.comparingLong(Run::payloadOffset));
        List<Fragment> out = new ArrayList<>();
        long fileOffset = init.length;
        List<Run> current = new ArrayList<>();
        long start = 0;
        long end = 0;
        for (Run r : runs) {
            boolean trackTaken = current.stream().anyMatch(c -> c.track() == r.track());
            if (!current.isEmpty() && (trackTaken || r.payloadOffset() != end)) {
                Fragment f = fragment(fileOffset, start, end, current);
                out.add(f);
                fileOffset += f.headerSize() + (end - start);
                current = new ArrayList<>();
            }
            if (current.isEmpty()) {
                start = r.payloadOffset();
                end = start;
            }
            current.add(r);
            end += runBytes(r);
        }
        if (!current.isEmpty()) {
            out.add(fragment(fileOffset, start, end, current));
        }
        return out;
    }

    private Fragment fragment(long fileOffset, long start, long end, List<Run> runs) {
        if (end - start + 8 > U32_MAX) {
            throw new IllegalArgumentException("a fragment of " + (end - start) + " bytes needs a 64-bit mdat");
        }
        int moof = 8 + 16; // moof, mfhd
        for (Run r : runs) {
            int perSample = 12 + (compositionOffsets[r.track()] ? 4 : 0);
            moof += 8 + 16 + 20 + 20 + r.count() * perSample; // traf, tfhd, tfdt v1, trun header
        }
        return new Fragment(fileOffset, moof + 8, start, end, List.copyOf(runs));
    }

    private long runBytes(Run r) {
        SampleTable s = tracks.get(r.track()).samples();
        long bytes = 0;
        for (int i = r.firstSample(); i < r.firstSample() + r.count(); i++) {
            bytes += s.size(i);
        }
        return bytes;
    }
}
