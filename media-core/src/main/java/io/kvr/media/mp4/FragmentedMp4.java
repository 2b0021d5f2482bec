package io.kvr.media.mp4;

import io.kvr.media.bmff.Box;
import io.kvr.media.bmff.BoxWriter;
import io.kvr.media.bmff.FileTypeBox;
import io.kvr.media.bmff.MediaDataBox;
import io.kvr.media.bmff.MovieBox;
import io.kvr.media.bmff.MovieFragmentBox;
import io.kvr.media.bmff.MovieFragmentHeaderBox;
import io.kvr.media.bmff.TrackFragmentBaseMediaDecodeTimeBox;
import io.kvr.media.bmff.TrackFragmentBox;
import io.kvr.media.bmff.TrackFragmentHeaderBox;
import io.kvr.media.bmff.TrackRunBox;
import java.util.ArrayList;
import java.util.Arrays;
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

    /** One track's samples {@code [firstSample, firstSample + count)} in a fragment. */
    private record Run(int track, int firstSample, int count, long mediaTime, long payloadOffset) {}

    /** A fragment: its runs and the span {@code [payloadStart, payloadEnd)} of the progressive payload they fill. */
    private record Fragment(long fileOffset, int headerSize, long payloadStart, long payloadEnd, List<Run> runs) {}

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
        this.size = last == null
                ? init.length
                : last.fileOffset() + last.headerSize() + (last.payloadEnd() - last.payloadStart());
    }

    /**
     * Lays out the fragmented file of {@code tracks}, whose chunk offsets count from the start of one progressive
     * payload; the window (output timeline, microseconds) becomes the edit lists, as in {@link ProgressiveMp4}.
     */
    public static FragmentedMp4 of(List<ProgressiveMp4.Track> tracks, long windowStartUs, long windowDurationUs) {
        FileTypeBox ftyp =
                fileTypeBox(tracks.stream().map(ProgressiveMp4.Track::config).toList());
        MovieBox moov = ProgressiveMp4.fragmentedMoov(tracks, windowStartUs, windowDurationUs);
        BoxWriter w = new BoxWriter(new byte[Math.toIntExact(ftyp.size() + moov.size())], 0);
        ftyp.write(w);
        moov.write(w);
        return new FragmentedMp4(tracks, w.array());
    }

    /** The {@code ftyp} box a fragmented file of tracks with these configurations starts with. */
    public static byte[] fileType(List<InitSegment.TrackConfig> configs) {
        return fileTypeBox(configs).toByteArray();
    }

    private static FileTypeBox fileTypeBox(List<InitSegment.TrackConfig> configs) {
        boolean hevc = configs.stream().anyMatch(c -> c.sampleEntry().startsWith("hv"));
        // iso6: movie fragments with tfdt
        return new FileTypeBox("isom", 0x200, List.of("isom", "iso6", hevc ? "hvc1" : "avc1", "mp41"));
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
        long moofSize = f.headerSize() - Box.HEADER_SIZE;
        List<TrackFragmentBox> trafs = new ArrayList<>(f.runs().size());
        for (Run r : f.runs()) {
            trafs.add(new TrackFragmentBox(
                    new TrackFragmentHeaderBox(tracks.get(r.track()).config().trackId()),
                    new TrackFragmentBaseMediaDecodeTimeBox(r.mediaTime()), // media time, 0 at the first sample
                    trackRun(r, moofSize + Box.HEADER_SIZE + (r.payloadOffset() - f.payloadStart()))));
        }
        new MovieFragmentBox(new MovieFragmentHeaderBox(k + 1L), trafs).write(w);
        new MediaDataBox(f.payloadEnd() - f.payloadStart()).writeHeader(w);
        if (w.position() != out.length) {
            throw new IllegalStateException(
                    "fragment " + k + " header is " + w.position() + " bytes, planned " + out.length);
        }
        return out;
    }

    /**
     * The trun of run {@code r}: composition offsets when its track has any, version 1 when its track has a
     * negative one, so every run of a track has the same layout.
     */
    private TrackRunBox trackRun(Run r, long dataOffset) {
        SampleTable s = tracks.get(r.track()).samples();
        int n = r.count();
        int[] durations = new int[n];
        int[] sizes = new int[n];
        int[] syncs = new int[n];
        int[] offsets = compositionOffsets[r.track()] ? new int[n] : null;
        int syncCount = 0;
        for (int j = 0; j < n; j++) {
            int i = r.firstSample() + j;
            durations[j] = s.duration(i);
            sizes[j] = s.size(i);
            if (s.isSync(i)) {
                syncs[syncCount++] = j;
            }
            if (offsets != null) {
                offsets[j] = s.compositionOffset(i);
            }
        }
        return new TrackRunBox(
                negativeOffsets[r.track()] ? 1 : 0,
                dataOffset,
                durations,
                sizes,
                Arrays.copyOf(syncs, syncCount),
                offsets);
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
        long trafs = 0;
        for (Run r : runs) {
            trafs += TrackFragmentBox.size(r.count(), compositionOffsets[r.track()]);
        }
        long header = MovieFragmentBox.size(trafs) + Box.HEADER_SIZE; // moof, mdat header
        return new Fragment(fileOffset, Math.toIntExact(header), start, end, List.copyOf(runs));
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
