package io.kvr.media.cmaf;

import io.kvr.media.bmff.AudioSampleEntry;
import io.kvr.media.bmff.AvcConfigurationBox;
import io.kvr.media.bmff.Box;
import io.kvr.media.bmff.BoxWriter;
import io.kvr.media.bmff.ElementaryStreamDescriptorBox;
import io.kvr.media.bmff.FileTypeBox;
import io.kvr.media.bmff.HandlerBox;
import io.kvr.media.bmff.HevcConfigurationBox;
import io.kvr.media.bmff.MediaBox;
import io.kvr.media.bmff.MediaDataBox;
import io.kvr.media.bmff.MediaHeaderBox;
import io.kvr.media.bmff.MediaInformationBox;
import io.kvr.media.bmff.MovieBox;
import io.kvr.media.bmff.MovieExtendsBox;
import io.kvr.media.bmff.MovieFragmentBox;
import io.kvr.media.bmff.MovieFragmentHeaderBox;
import io.kvr.media.bmff.MovieHeaderBox;
import io.kvr.media.bmff.SampleDescriptionBox;
import io.kvr.media.bmff.SampleTableBox;
import io.kvr.media.bmff.SegmentTypeBox;
import io.kvr.media.bmff.TrackBox;
import io.kvr.media.bmff.TrackExtendsBox;
import io.kvr.media.bmff.TrackFragmentBaseMediaDecodeTimeBox;
import io.kvr.media.bmff.TrackFragmentBox;
import io.kvr.media.bmff.TrackFragmentHeaderBox;
import io.kvr.media.bmff.TrackHeaderBox;
import io.kvr.media.bmff.TrackRunBox;
import io.kvr.media.bmff.VisualSampleEntry;
import io.kvr.media.codec.AudioFormat;
import io.kvr.media.codec.Mpeg4VisualFormat;
import io.kvr.media.codec.NalIndex;
import io.kvr.media.codec.VideoCodec;
import io.kvr.media.codec.VideoFormat;
import io.kvr.media.codec.VisualFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes the init segment of a fixed set of tracks, and media segments of one fragment each holding samples of any
 * of those tracks (ISO/IEC 14496-12 8.8). Stateless and immutable: the caller pushes fragments and numbers them;
 * equal input gives equal bytes (creation times are 0).
 *
 * <p>A media segment's size is computed before anything is written, so {@link #mediaSegment} fills one array of
 * exactly that size and copies each media byte once; {@link #writeMediaSegment} streams the payloads straight
 * from the samples' arrays instead.
 */
public final class CmafWriter {

    /** ftyp of the init segment: ISO BMFF 'iso6', CMAF 'cmfc', MP4 'mp41', DASH 'dash' (ISO/IEC 23000-19 7.2). */
    private static final FileTypeBox INIT_TYPE = new FileTypeBox("iso6", 0, List.of("iso6", "cmfc", "mp41", "dash"));
    /** styp of media segments: DASH media segment 'msdh', CMAF segment 'cmfs'. */
    private static final SegmentTypeBox SEGMENT_TYPE = new SegmentTypeBox("msdh", 0, List.of("msdh", "cmfs"));

    private static final int MOVIE_TIMESCALE = 1000;
    private final List<Track> tracks;

    /**
     * @param tracks the tracks of the init segment, in trak order; track ids unique
     */
    public CmafWriter(List<Track> tracks) {
        this.tracks = List.copyOf(tracks);
        if (this.tracks.isEmpty()) {
            throw new IllegalArgumentException("no tracks");
        }
        for (int i = 0; i < this.tracks.size(); i++) {
            for (int j = i + 1; j < this.tracks.size(); j++) {
                if (this.tracks.get(i).trackId() == this.tracks.get(j).trackId()) {
                    throw new IllegalArgumentException(
                            "duplicate track id " + this.tracks.get(i).trackId());
                }
            }
        }
    }

    public List<Track> tracks() {
        return tracks;
    }

    /** The init segment: ftyp and moov with one trak per track and mvex (ISO/IEC 14496-12 8.2, 8.8.1). */
    public byte[] initSegment() {
        long nextTrackId = 0;
        List<TrackBox> traks = new ArrayList<>(tracks.size());
        List<TrackExtendsBox> trex = new ArrayList<>(tracks.size());
        for (Track track : tracks) {
            nextTrackId = Math.max(nextTrackId, track.trackId());
            traks.add(trackBox(track));
            trex.add(new TrackExtendsBox(track.trackId()));
        }
        // duration 0: unknown, fragments follow
        MovieBox moov = new MovieBox(
                new MovieHeaderBox(MOVIE_TIMESCALE, 0, nextTrackId + 1),
                traks,
                Optional.of(new MovieExtendsBox(Optional.empty(), trex)));
        BoxWriter w = new BoxWriter(new byte[(int) (INIT_TYPE.size() + moov.size())], 0);
        INIT_TYPE.write(w);
        moov.write(w);
        return w.array();
    }

    /**
     * Writes one media segment: styp, moof (mfhd, then per track with samples a traf with tfhd, tfdt v1 and trun),
     * mdat with each track's samples in turn.
     *
     * @param sequenceNumber mfhd sequence_number, 0 to 2^32 - 1, increasing from segment to segment
     * @param fragment samples per track; tracks with no samples get no traf
     * @throws IllegalArgumentException for unknown or repeated track ids, no samples at all, samples whose decode
     *     times are not contiguous, or a segment over 2 GiB
     * @throws io.kvr.media.MalformedMediaException if a video payload is neither Annex B nor length-prefixed
     */
    public MediaSegment mediaSegment(long sequenceNumber, List<TrackSamples> fragment) {
        Plan plan = plan(sequenceNumber, fragment);
        byte[] bytes = new byte[(int) plan.layout.size()];
        BoxWriter w = new BoxWriter(bytes, 0);
        writeHeader(w, sequenceNumber, plan);
        int position = w.position();
        for (Run run : plan.runs) {
            for (int i = 0; i < run.samples.size(); i++) {
                if (run.nalIndex != null) {
                    position += run.nalIndex.writeLengthPrefixed(i, bytes, position);
                } else {
                    byte[] payload = run.samples.get(i).payload();
                    System.arraycopy(payload, 0, bytes, position, payload.length);
                    position += payload.length;
                }
            }
        }
        if (position != bytes.length) {
            throw new IllegalStateException("wrote " + position + " of " + bytes.length + " planned bytes");
        }
        return new MediaSegment(bytes, plan.layout);
    }

    /**
     * Like {@link #mediaSegment} but streams the segment to {@code out}: the boxes from one small array, then each
     * payload from the sample's own array. Does not flush or close {@code out}.
     */
    public SegmentLayout writeMediaSegment(long sequenceNumber, List<TrackSamples> fragment, OutputStream out)
            throws IOException {
        Plan plan = plan(sequenceNumber, fragment);
        BoxWriter w = new BoxWriter(new byte[plan.headerSize], 0);
        writeHeader(w, sequenceNumber, plan);
        out.write(w.array());
        for (Run run : plan.runs) {
            for (int i = 0; i < run.samples.size(); i++) {
                if (run.nalIndex != null) {
                    run.nalIndex.writeLengthPrefixed(i, out);
                } else {
                    out.write(run.samples.get(i).payload());
                }
            }
        }
        return plan.layout;
    }

    // --- media segment ------------------------------------------------------------------------------------------

    /**
     * One traf to write: the samples, and the NAL index that sizes and copies H.264/H.265 payloads (null for audio
     * and MPEG-4 Part 2, whose payloads are written as they are).
     */
    private record Run(Track track, List<Sample> samples, NalIndex nalIndex, TrackRun layout) {}

    private record Plan(List<Run> runs, int headerSize, SegmentLayout layout) {}

    private Plan plan(long sequenceNumber, List<TrackSamples> fragment) {
        if (sequenceNumber < 0 || sequenceNumber > 0xffff_ffffL) {
            throw new IllegalArgumentException("sequence number " + sequenceNumber);
        }
        long stypSize = SEGMENT_TYPE.size();
        long trafsSize = 0;
        List<Track> runTracks = new ArrayList<>(fragment.size());
        List<TrackSamples> runSamples = new ArrayList<>(fragment.size());
        for (TrackSamples ts : fragment) {
            Track track = track(ts.trackId());
            for (Track seen : runTracks) {
                if (seen.trackId() == ts.trackId()) {
                    throw new IllegalArgumentException("track " + ts.trackId() + " twice in one fragment");
                }
            }
            if (ts.samples().isEmpty()) {
                continue;
            }
            runTracks.add(track);
            runSamples.add(ts);
            trafsSize += trafSize(ts.samples());
        }
        long moofSize = MovieFragmentBox.size(trafsSize);
        if (runTracks.isEmpty()) {
            throw new IllegalArgumentException("fragment without samples");
        }
        long moofOffset = stypSize;
        long mdatOffset = moofOffset + moofSize;
        long dataOffset = mdatOffset + 8;
        List<Run> runs = new ArrayList<>(runTracks.size());
        List<TrackRun> layouts = new ArrayList<>(runTracks.size());
        for (int t = 0; t < runTracks.size(); t++) {
            Run run = run(runTracks.get(t), runSamples.get(t).samples(), dataOffset);
            runs.add(run);
            layouts.add(run.layout);
            dataOffset += run.layout.dataSize();
        }
        if (dataOffset > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("segment of " + dataOffset + " bytes exceeds 2 GiB");
        }
        SegmentLayout layout =
                new SegmentLayout(dataOffset, moofOffset, moofSize, mdatOffset, dataOffset - mdatOffset, layouts);
        return new Plan(runs, (int) mdatOffset + 8, layout);
    }

    private Run run(Track track, List<Sample> samples, long dataOffset) {
        int n = samples.size();
        int[] sizes = new int[n];
        int[] durations = new int[n];
        int[] offsets = new int[n];
        int[] syncs = new int[n];
        int syncCount = 0;
        NalIndex nalIndex = null;
        if (track.format() instanceof VideoFormat video) {
            // hvc1 with array_completeness = 1: parameter sets only in the sample entry (ISO/IEC 14496-15 8.4.1)
            nalIndex = new NalIndex(video.codec(), video.codec() == VideoCodec.H265);
        }
        long expectedDecodeTime = samples.getFirst().decodeTime();
        for (int i = 0; i < n; i++) {
            Sample s = samples.get(i);
            if (s.decodeTime() != expectedDecodeTime) {
                throw new IllegalArgumentException("track " + track.trackId() + " sample " + i + " decodes at "
                        + s.decodeTime() + ", the previous one ends at " + expectedDecodeTime);
            }
            expectedDecodeTime += s.duration();
            if (nalIndex != null) {
                sizes[i] = nalIndex.lengthPrefixedSize(nalIndex.add(s.payload()));
            } else {
                sizes[i] = s.payload().length;
            }
            durations[i] = s.duration();
            offsets[i] = s.compositionOffset();
            if (s.sync()) {
                syncs[syncCount++] = i;
            }
        }
        TrackRun layout = new TrackRun(
                track.trackId(),
                samples.getFirst().decodeTime(),
                dataOffset,
                sizes,
                durations,
                offsets,
                java.util.Arrays.copyOf(syncs, syncCount));
        return new Run(track, samples, nalIndex, layout);
    }

    /** traf: tfhd, tfdt, and a trun with composition offsets only when one is not 0 (as {@link TrackRunBox#of}). */
    private static long trafSize(List<Sample> samples) {
        boolean anyOffset = false;
        for (Sample s : samples) {
            anyOffset |= s.compositionOffset() != 0;
        }
        return TrackFragmentBox.size(samples.size(), anyOffset);
    }

    private void writeHeader(BoxWriter w, long sequenceNumber, Plan plan) {
        SEGMENT_TYPE.write(w);
        long moofOffset = plan.layout.moofOffset();
        List<TrackFragmentBox> trafs = new ArrayList<>(plan.runs.size());
        for (Run run : plan.runs) {
            TrackRun layout = run.layout;
            trafs.add(new TrackFragmentBox(
                    new TrackFragmentHeaderBox(layout.trackId()),
                    new TrackFragmentBaseMediaDecodeTimeBox(layout.baseDecodeTime()),
                    TrackRunBox.of(
                            layout.dataOffset() - moofOffset,
                            layout.sampleDurations(),
                            layout.sampleSizes(),
                            layout.syncSamples(),
                            layout.compositionOffsets())));
        }
        MovieFragmentBox moof = new MovieFragmentBox(new MovieFragmentHeaderBox(sequenceNumber), trafs);
        int moofStart = w.position();
        moof.write(w);
        if (w.position() - moofStart != plan.layout.moofSize()) {
            throw new IllegalStateException(
                    "moof of " + (w.position() - moofStart) + " bytes, planned " + plan.layout.moofSize());
        }
        new MediaDataBox(plan.layout.mdatSize() - Box.HEADER_SIZE).writeHeader(w);
    }

    // --- init segment -------------------------------------------------------------------------------------------

    private static TrackBox trackBox(Track track) {
        boolean video = track.format() instanceof VisualFormat;
        TrackHeaderBox tkhd = track.format() instanceof VisualFormat v
                ? new TrackHeaderBox(track.trackId(), 0, 0, v.width(), v.height())
                : new TrackHeaderBox(track.trackId(), 0, TrackHeaderBox.AUDIO_VOLUME, 0, 0);
        SampleTableBox stbl = SampleTableBox.empty(new SampleDescriptionBox(List.of(sampleEntry(track))));
        return new TrackBox(
                tkhd,
                Optional.empty(),
                new MediaBox(
                        new MediaHeaderBox(track.timescale(), 0),
                        HandlerBox.of(video),
                        MediaInformationBox.selfContained(video, stbl)));
    }

    /**
     * The sample entry of a track's format: 'avc1' with avcC or 'hvc1' with hvcC (14496-15 5.4.2, 8.4.1); 'mp4v'
     * (14496-14 3.1.2) with an esds naming Visual ISO/IEC 14496-2 and carrying the VOS/VO/VOL header (the
     * configuration information before the first VOP); 'mp4a' with an esds carrying the AudioSpecificConfig.
     */
    private static Box sampleEntry(Track track) {
        return switch (track.format()) {
            case VideoFormat v
            when v.codec() == VideoCodec.H264 ->
                new VisualSampleEntry(
                        "avc1",
                        v.width(),
                        v.height(),
                        List.of(new AvcConfigurationBox(v.decoderConfigurationRecord())));
            case VideoFormat v ->
                new VisualSampleEntry(
                        "hvc1",
                        v.width(),
                        v.height(),
                        List.of(new HevcConfigurationBox(v.decoderConfigurationRecord())));
            case Mpeg4VisualFormat v ->
                new VisualSampleEntry(
                        "mp4v",
                        v.width(),
                        v.height(),
                        List.of(new ElementaryStreamDescriptorBox(
                                ElementaryStreamDescriptorBox.OBJECT_TYPE_VISUAL_14496_2,
                                ElementaryStreamDescriptorBox.STREAM_TYPE_VISUAL,
                                v.decoderSpecificInfo())));
            case AudioFormat a ->
                new AudioSampleEntry(
                        "mp4a",
                        channelCount(a.channels()),
                        a.sampleRate(),
                        List.of(new ElementaryStreamDescriptorBox(
                                ElementaryStreamDescriptorBox.OBJECT_TYPE_AUDIO_14496_3,
                                ElementaryStreamDescriptorBox.STREAM_TYPE_AUDIO,
                                a.audioSpecificConfig())));
        };
    }

    /** Output channels of an MPEG-4 channelConfiguration (14496-3 Table 1.19); 2 when a PCE defines them. */
    private static int channelCount(int channelConfiguration) {
        return switch (channelConfiguration) {
            case 0 -> 2;
            case 7, 12, 14 -> 8;
            case 11 -> 7;
            case 13 -> 24;
            default -> channelConfiguration;
        };
    }

    private Track track(int trackId) {
        for (Track track : tracks) {
            if (track.trackId() == trackId) {
                return track;
            }
        }
        throw new IllegalArgumentException("track " + trackId + " is not in the init segment");
    }
}
