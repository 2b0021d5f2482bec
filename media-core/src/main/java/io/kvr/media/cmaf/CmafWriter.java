package io.kvr.media.cmaf;

import io.kvr.media.codec.AudioFormat;
import io.kvr.media.codec.Mpeg4VisualFormat;
import io.kvr.media.codec.NalIndex;
import io.kvr.media.codec.VideoCodec;
import io.kvr.media.codec.VideoFormat;
import io.kvr.media.codec.VisualFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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
  private static final List<String> INIT_BRANDS = List.of("iso6", "cmfc", "mp41", "dash");
  private static final String INIT_MAJOR_BRAND = "iso6";
  /** styp of media segments: DASH media segment 'msdh', CMAF segment 'cmfs'. */
  private static final List<String> SEGMENT_BRANDS = List.of("msdh", "cmfs");
  private static final String SEGMENT_MAJOR_BRAND = "msdh";

  /** 8.8.3.1 sample flags: sample_depends_on = 2 (depends on no other sample). */
  private static final int SYNC_SAMPLE_FLAGS = 0x0200_0000;
  /** 8.8.3.1 sample flags: sample_depends_on = 1, sample_is_non_sync_sample = 1. */
  private static final int NON_SYNC_SAMPLE_FLAGS = 0x0101_0000;

  /** tfhd flag default-base-is-moof (8.8.7.1). */
  private static final int TFHD_DEFAULT_BASE_IS_MOOF = 0x02_0000;
  /** trun flags (8.8.8.1). */
  private static final int TRUN_DATA_OFFSET = 0x000001;
  private static final int TRUN_SAMPLE_DURATION = 0x000100;
  private static final int TRUN_SAMPLE_SIZE = 0x000200;
  private static final int TRUN_SAMPLE_FLAGS = 0x000400;
  private static final int TRUN_COMPOSITION_OFFSET = 0x000800;

  private static final int MOVIE_TIMESCALE = 1000;
  /** objectTypeIndication (ISO/IEC 14496-1 Table 5): Visual ISO/IEC 14496-2, Audio ISO/IEC 14496-3. */
  private static final int OTI_VISUAL_14496_2 = 0x20;
  private static final int OTI_AUDIO_14496_3 = 0x40;
  /** streamType (ISO/IEC 14496-1 Table 6): VisualStream, AudioStream. */
  private static final int STREAM_TYPE_VISUAL = 0x04;
  private static final int STREAM_TYPE_AUDIO = 0x05;
  /** ISO 639-2/T 'und' packed as three 5-bit letters (8.4.2.3). */
  private static final int LANGUAGE_UNDETERMINED = 0x55c4;
  private static final long[] UNITY_MATRIX = {0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000};

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
          throw new IllegalArgumentException("duplicate track id " + this.tracks.get(i).trackId());
        }
      }
    }
  }

  public List<Track> tracks() {
    return tracks;
  }

  /** The init segment: ftyp and moov with one trak per track and mvex (ISO/IEC 14496-12 8.2, 8.8.1). */
  public byte[] initSegment() {
    BoxWriter w = new BoxWriter(1024);
    fileType(w, "ftyp", INIT_MAJOR_BRAND, INIT_BRANDS);
    int moov = w.begin("moov");
    movieHeader(w);
    for (Track track : tracks) {
      trackBox(w, track);
    }
    int mvex = w.begin("mvex");
    for (Track track : tracks) {
      int trex = w.beginFull("trex", 0, 0);
      w.u32(track.trackId());
      w.u32(1); // default_sample_description_index
      w.u32(0); // default_sample_duration
      w.u32(0); // default_sample_size
      w.u32(0); // default_sample_flags
      w.end(trex);
    }
    w.end(mvex);
    w.end(moov);
    return w.toByteArray();
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
  private record Run(Track track, List<Sample> samples, NalIndex nalIndex, TrackRun layout, int trunVersion,
      int trunFlags) {}

  private record Plan(List<Run> runs, int headerSize, SegmentLayout layout) {}

  private Plan plan(long sequenceNumber, List<TrackSamples> fragment) {
    if (sequenceNumber < 0 || sequenceNumber > 0xffff_ffffL) {
      throw new IllegalArgumentException("sequence number " + sequenceNumber);
    }
    int stypSize = 16 + 4 * SEGMENT_BRANDS.size();
    long moofSize = 8 + 16; // moof header, mfhd
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
      moofSize += trafSize(ts.samples());
    }
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
    SegmentLayout layout = new SegmentLayout(dataOffset, moofOffset, moofSize, mdatOffset, dataOffset - mdatOffset,
        layouts);
    return new Plan(runs, (int) mdatOffset + 8, layout);
  }

  private Run run(Track track, List<Sample> samples, long dataOffset) {
    int n = samples.size();
    int[] sizes = new int[n];
    int[] durations = new int[n];
    int[] offsets = new int[n];
    int[] syncs = new int[n];
    int syncCount = 0;
    boolean anyOffset = false;
    boolean negativeOffset = false;
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
      anyOffset |= offsets[i] != 0;
      negativeOffset |= offsets[i] < 0;
      if (s.sync()) {
        syncs[syncCount++] = i;
      }
    }
    int flags = TRUN_DATA_OFFSET | TRUN_SAMPLE_DURATION | TRUN_SAMPLE_SIZE | TRUN_SAMPLE_FLAGS
        | (anyOffset ? TRUN_COMPOSITION_OFFSET : 0);
    TrackRun layout = new TrackRun(track.trackId(), samples.getFirst().decodeTime(), dataOffset, sizes, durations,
        offsets, java.util.Arrays.copyOf(syncs, syncCount));
    return new Run(track, samples, nalIndex, layout, negativeOffset ? 1 : 0, flags);
  }

  /** traf: header, tfhd (track_ID), tfdt v1, trun with data_offset and 3 or 4 fields per sample. */
  private static long trafSize(List<Sample> samples) {
    boolean anyOffset = false;
    for (Sample s : samples) {
      anyOffset |= s.compositionOffset() != 0;
    }
    long trun = 12 + 4 + 4 + (long) samples.size() * (anyOffset ? 16 : 12);
    return 8 + 16 + 20 + trun;
  }

  private void writeHeader(BoxWriter w, long sequenceNumber, Plan plan) {
    fileType(w, "styp", SEGMENT_MAJOR_BRAND, SEGMENT_BRANDS);
    long moofOffset = plan.layout.moofOffset();
    int moof = w.begin("moof");
    int mfhd = w.beginFull("mfhd", 0, 0);
    w.u32(sequenceNumber);
    w.end(mfhd);
    for (Run run : plan.runs) {
      TrackRun layout = run.layout;
      int traf = w.begin("traf");
      int tfhd = w.beginFull("tfhd", 0, TFHD_DEFAULT_BASE_IS_MOOF);
      w.u32(layout.trackId());
      w.end(tfhd);
      int tfdt = w.beginFull("tfdt", 1, 0);
      w.u64(layout.baseDecodeTime());
      w.end(tfdt);
      int trun = w.beginFull("trun", run.trunVersion, run.trunFlags);
      int n = layout.sampleCount();
      w.u32(n);
      w.u32(layout.dataOffset() - moofOffset); // data_offset from the moof start, default-base-is-moof
      boolean withOffsets = (run.trunFlags & TRUN_COMPOSITION_OFFSET) != 0;
      int nextSync = 0;
      int[] syncs = layout.syncSamples();
      for (int i = 0; i < n; i++) {
        boolean sync = nextSync < syncs.length && syncs[nextSync] == i;
        if (sync) {
          nextSync++;
        }
        w.u32(layout.sampleDurations()[i] & 0xffff_ffffL);
        w.u32(layout.sampleSizes()[i] & 0xffff_ffffL);
        w.u32(sync ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS);
        if (withOffsets) {
          w.u32(layout.compositionOffsets()[i] & 0xffff_ffffL); // signed in version 1
        }
      }
      w.end(trun);
      w.end(traf);
    }
    w.end(moof);
    if (w.position() - moof != plan.layout.moofSize()) {
      throw new IllegalStateException("moof of " + (w.position() - moof) + " bytes, planned "
          + plan.layout.moofSize());
    }
    w.u32(plan.layout.mdatSize());
    w.fourcc("mdat");
  }

  // --- init segment -------------------------------------------------------------------------------------------

  private static void fileType(BoxWriter w, String type, String majorBrand, List<String> brands) {
    int box = w.begin(type); // 4.3 ftyp, 8.16.2 styp
    w.fourcc(majorBrand);
    w.u32(0); // minor_version
    for (String brand : brands) {
      w.fourcc(brand);
    }
    w.end(box);
  }

  private void movieHeader(BoxWriter w) {
    int nextTrackId = 0;
    for (Track track : tracks) {
      nextTrackId = Math.max(nextTrackId, track.trackId());
    }
    int mvhd = w.beginFull("mvhd", 0, 0); // 8.2.2
    w.u32(0); // creation_time
    w.u32(0); // modification_time
    w.u32(MOVIE_TIMESCALE);
    w.u32(0); // duration: unknown, fragments follow
    w.u32(0x0001_0000); // rate 1.0
    w.u16(0x0100); // volume 1.0
    w.zeros(2 + 8); // reserved
    matrix(w);
    w.zeros(24); // pre_defined
    w.u32(nextTrackId + 1L);
    w.end(mvhd);
  }

  private static void trackBox(BoxWriter w, Track track) {
    boolean video = track.format() instanceof VisualFormat;
    int trak = w.begin("trak");
    int tkhd = w.beginFull("tkhd", 0, 0x3); // 8.3.2, track_enabled | track_in_movie
    w.u32(0); // creation_time
    w.u32(0); // modification_time
    w.u32(track.trackId());
    w.u32(0); // reserved
    w.u32(0); // duration
    w.zeros(8); // reserved
    w.u16(0); // layer
    w.u16(0); // alternate_group
    w.u16(video ? 0 : 0x0100); // volume
    w.u16(0); // reserved
    matrix(w);
    if (track.format() instanceof VisualFormat v) {
      w.u32((long) v.width() << 16);
      w.u32((long) v.height() << 16);
    } else {
      w.u32(0);
      w.u32(0);
    }
    w.end(tkhd);

    int mdia = w.begin("mdia");
    int mdhd = w.beginFull("mdhd", 0, 0); // 8.4.2
    w.u32(0); // creation_time
    w.u32(0); // modification_time
    w.u32(track.timescale());
    w.u32(0); // duration
    w.u16(LANGUAGE_UNDETERMINED);
    w.u16(0); // pre_defined
    w.end(mdhd);
    int hdlr = w.beginFull("hdlr", 0, 0); // 8.4.3
    w.u32(0); // pre_defined
    w.fourcc(video ? "vide" : "soun");
    w.zeros(12); // reserved
    w.bytes((video ? "VideoHandler\0" : "SoundHandler\0").getBytes(StandardCharsets.US_ASCII));
    w.end(hdlr);

    int minf = w.begin("minf");
    if (video) {
      int vmhd = w.beginFull("vmhd", 0, 1); // 12.1.2
      w.u16(0); // graphicsmode copy
      w.zeros(6); // opcolor
      w.end(vmhd);
    } else {
      int smhd = w.beginFull("smhd", 0, 0); // 12.2.2
      w.u16(0); // balance
      w.u16(0); // reserved
      w.end(smhd);
    }
    int dinf = w.begin("dinf"); // 8.7.1
    int dref = w.beginFull("dref", 0, 0);
    w.u32(1);
    int url = w.beginFull("url ", 0, 1); // self-contained
    w.end(url);
    w.end(dref);
    w.end(dinf);

    int stbl = w.begin("stbl");
    int stsd = w.beginFull("stsd", 0, 0); // 8.5.2
    w.u32(1);
    switch (track.format()) {
      case VideoFormat v -> visualSampleEntry(w, v);
      case Mpeg4VisualFormat v -> mpeg4VisualSampleEntry(w, v);
      case AudioFormat a -> audioSampleEntry(w, a);
    }
    w.end(stsd);
    for (String empty : List.of("stts", "stsc", "stco")) { // 8.6.1.2, 8.7.4, 8.7.5: no samples in moov
      int box = w.beginFull(empty, 0, 0);
      w.u32(0);
      w.end(box);
    }
    int stsz = w.beginFull("stsz", 0, 0); // 8.7.3
    w.u32(0); // sample_size
    w.u32(0); // sample_count
    w.end(stsz);
    w.end(stbl);
    w.end(minf);
    w.end(mdia);
    w.end(trak);
  }

  /** VisualSampleEntry (14496-12 12.1.3) 'avc1' with avcC or 'hvc1' with hvcC (14496-15 5.4.2, 8.4.1). */
  private static void visualSampleEntry(BoxWriter w, VideoFormat format) {
    boolean avc = format.codec() == VideoCodec.H264;
    int entry = visualSampleEntryFields(w, avc ? "avc1" : "hvc1", format);
    int config = w.begin(avc ? "avcC" : "hvcC");
    w.bytes(format.decoderConfigurationRecord());
    w.end(config);
    w.end(entry);
  }

  /**
   * MP4VisualSampleEntry 'mp4v' (ISO/IEC 14496-14 3.1.2) with an esds whose DecoderConfigDescriptor names Visual
   * ISO/IEC 14496-2 (objectTypeIndication 0x20, streamType 4) and carries the VOS/VO/VOL header as
   * DecoderSpecificInfo (the configuration information before the first VOP).
   */
  private static void mpeg4VisualSampleEntry(BoxWriter w, Mpeg4VisualFormat format) {
    int entry = visualSampleEntryFields(w, "mp4v", format);
    elementaryStreamDescriptor(w, OTI_VISUAL_14496_2, STREAM_TYPE_VISUAL, format.decoderSpecificInfo());
    w.end(entry);
  }

  /** Opens a VisualSampleEntry (14496-12 12.1.3) and writes its fields; the caller adds boxes and ends it. */
  private static int visualSampleEntryFields(BoxWriter w, String type, VisualFormat format) {
    int entry = w.begin(type);
    w.zeros(6); // reserved
    w.u16(1); // data_reference_index
    w.u16(0); // pre_defined
    w.u16(0); // reserved
    w.zeros(12); // pre_defined
    w.u16(format.width());
    w.u16(format.height());
    w.u32(0x0048_0000); // horizresolution 72 dpi
    w.u32(0x0048_0000); // vertresolution 72 dpi
    w.u32(0); // reserved
    w.u16(1); // frame_count
    w.zeros(32); // compressorname: empty
    w.u16(0x0018); // depth
    w.u16(0xffff); // pre_defined = -1
    return entry;
  }

  /** AudioSampleEntry 'mp4a' (14496-12 12.2.3) with esds (ISO/IEC 14496-14 6.7.2). */
  private static void audioSampleEntry(BoxWriter w, AudioFormat format) {
    int entry = w.begin("mp4a");
    w.zeros(6); // reserved
    w.u16(1); // data_reference_index
    w.zeros(8); // reserved
    w.u16(channelCount(format.channels()));
    w.u16(16); // samplesize
    w.u16(0); // pre_defined
    w.u16(0); // reserved
    w.u32(format.sampleRate() <= 0xffff ? (long) format.sampleRate() << 16 : 0);
    elementaryStreamDescriptor(w, OTI_AUDIO_14496_3, STREAM_TYPE_AUDIO, format.audioSpecificConfig());
    w.end(entry);
  }

  /**
   * esds: ES_Descriptor (ISO/IEC 14496-1 7.2.6.5) with a DecoderConfigDescriptor (7.2.6.6) of the given
   * objectTypeIndication and streamType (Table 5, Table 6) holding {@code specificInfo} as DecoderSpecificInfo
   * (the AudioSpecificConfig for AAC, the VOS/VOL header for MPEG-4 Part 2), and an SLConfigDescriptor with
   * predefined = 2 (14496-14 3.1.2).
   */
  private static void elementaryStreamDescriptor(BoxWriter w, int objectTypeIndication, int streamType,
      byte[] specificInfo) {
    int esds = w.beginFull("esds", 0, 0);
    int decoderSpecificInfo = specificInfo.length;
    int decoderConfig = 13 + descriptorSize(decoderSpecificInfo);
    int slConfig = 1;
    int esDescriptor = 3 + descriptorSize(decoderConfig) + descriptorSize(slConfig);
    descriptorHeader(w, 0x03, esDescriptor); // ES_DescrTag
    w.u16(0); // ES_ID: 0 in files (14496-14 3.1.2)
    w.u8(0); // streamDependenceFlag, URL_Flag, OCRstreamFlag, streamPriority
    descriptorHeader(w, 0x04, decoderConfig); // DecoderConfigDescrTag
    w.u8(objectTypeIndication);
    w.u8((streamType << 2) | 0x01); // streamType, upStream 0, reserved 1
    w.u24(0); // bufferSizeDB
    w.u32(0); // maxBitrate
    w.u32(0); // avgBitrate
    descriptorHeader(w, 0x05, decoderSpecificInfo); // DecSpecificInfoTag
    w.bytes(specificInfo);
    descriptorHeader(w, 0x06, slConfig); // SLConfigDescrTag
    w.u8(0x02); // predefined: reserved for use in MP4 files
    w.end(esds);
  }

  /** Tag, then the size in the expandable form of 14496-1 8.3.3 (7 bits per byte, high bit: more follow). */
  private static void descriptorHeader(BoxWriter w, int tag, int size) {
    w.u8(tag);
    int bytes = sizeFieldBytes(size);
    for (int i = bytes - 1; i >= 0; i--) {
      w.u8(((size >>> (7 * i)) & 0x7f) | (i > 0 ? 0x80 : 0));
    }
  }

  private static int descriptorSize(int payload) {
    return 1 + sizeFieldBytes(payload) + payload;
  }

  private static int sizeFieldBytes(int size) {
    int bytes = 1;
    while (size >= 1 << (7 * bytes)) {
      bytes++;
    }
    return bytes;
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

  private static void matrix(BoxWriter w) {
    for (long m : UNITY_MATRIX) {
      w.u32(m);
    }
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
