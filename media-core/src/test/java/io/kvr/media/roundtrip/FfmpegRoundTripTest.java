package io.kvr.media.roundtrip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kvr.media.cmaf.MediaSegment;
import io.kvr.media.cmaf.Sample;
import io.kvr.media.cmaf.TrackRun;
import io.kvr.media.cmaf.TrackSamples;
import io.kvr.media.codec.AnnexB;
import io.kvr.media.codec.NalUnit;
import io.kvr.media.codec.VideoCodec;
import io.kvr.media.codec.VideoFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avcodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mp4parser.IsoFile;
import org.mp4parser.boxes.iso14496.part12.FileTypeBox;
import org.mp4parser.boxes.iso14496.part12.MovieFragmentBox;
import org.mp4parser.boxes.iso14496.part12.MovieFragmentHeaderBox;
import org.mp4parser.boxes.iso14496.part12.TrackFragmentBaseMediaDecodeTimeBox;
import org.mp4parser.boxes.iso14496.part12.TrackFragmentBox;
import org.mp4parser.boxes.iso14496.part12.TrackFragmentHeaderBox;
import org.mp4parser.boxes.iso14496.part12.TrackRunBox;
import org.mp4parser.boxes.iso14496.part14.ESDescriptorBox;
import org.mp4parser.boxes.iso14496.part15.AvcConfigurationBox;
import org.mp4parser.boxes.iso14496.part15.HevcConfigurationBox;
import org.mp4parser.boxes.sampleentry.AudioSampleEntry;
import org.mp4parser.boxes.sampleentry.VisualSampleEntry;

/**
 * Clips made by the FFmpeg binary JavaCV ships (libopenh264 + native AAC) and HEVC fixtures made once with x265,
 * read packet by packet with JavaCV, written with kvr's CmafWriter, then checked by isoparser (boxes, sample
 * tables) and by the bundled ffprobe / ffmpeg (codec, size, frame count, duration, error-free decode).
 */
class FfmpegRoundTripTest {

    private static final int SECONDS = 4;
    private static final int FPS = 25;

    @TempDir
    static Path dir;

    private static Path h264Mp4;
    private static Path h264Ts;

    @BeforeAll
    static void generateClips() throws Exception {
        h264Mp4 = dir.resolve("h264-aac.mp4");
        h264Ts = dir.resolve("h264-aac.ts");
        for (Path clip : List.of(h264Mp4, h264Ts)) {
            BundledFfmpeg.Result result = BundledFfmpeg.ffmpeg(
                    "-v",
                    "error",
                    "-nostdin",
                    "-f",
                    "lavfi",
                    "-i",
                    "testsrc2=size=640x360:rate=" + FPS,
                    "-f",
                    "lavfi",
                    "-i",
                    "sine=frequency=440:sample_rate=44100",
                    "-t",
                    String.valueOf(SECONDS),
                    "-c:v",
                    "libopenh264",
                    "-g",
                    String.valueOf(FPS),
                    "-b:v",
                    "300k",
                    "-c:a",
                    "aac",
                    "-b:a",
                    "64k",
                    "-y",
                    clip.toString());
            assertThat(result.exitCode()).as(result.stderr()).isZero();
        }
    }

    @Test
    void h264FromMp4IsLengthPrefixedAndRoundTrips() throws Exception {
        DemuxedClip clip = DemuxedClip.read(h264Mp4);
        assertThat(clip.video().codecId()).isEqualTo(avcodec.AV_CODEC_ID_H264);
        assertThat(clip.video().extradata()[0]).as("avcC extradata").isEqualTo((byte) 1);
        assertThat(AnnexB.isAnnexB(clip.packetsOf(clip.video()).getFirst().data()))
                .isFalse();

        Recording recording = ClipSegmenter.record(clip, VideoCodec.H264);

        assertThat(recording.videoFormat().width()).isEqualTo(640);
        assertThat(recording.videoFormat().height()).isEqualTo(360);
        assertThat(recording.videoFormat().codecsString()).startsWith("avc1.42");
        assertThat(recording.audioFormat().codecsString()).isEqualTo("mp4a.40.2");
        assertThat(recording.segments()).hasSize(SECONDS);
        // length-prefixed input without delimiters is written byte for byte
        assertSamplesAtLayoutOffsets(recording, (codec, payload) -> payload);
        assertIsoStructure(recording, "avc1");
        assertPlays(recording, "h264", "avc1", 640, 360, SECONDS * FPS, SECONDS);
    }

    @Test
    void h264FromMpegTsIsAnnexBWithAdtsAndRoundTrips() throws Exception {
        DemuxedClip clip = DemuxedClip.read(h264Ts);
        List<DemuxedClip.Packet> video = clip.packetsOf(clip.video());
        assertThat(AnnexB.isAnnexB(video.getFirst().data())).isTrue();
        assertThat(AnnexB.split(video.get(1).data()))
                .as("MPEG-TS adds access unit delimiters")
                .anyMatch(n -> n.type(VideoCodec.H264) == 9);
        assertThat(clip.packetsOf(clip.audio()).getFirst().data()[0])
                .as("ADTS syncword")
                .isEqualTo((byte) 0xff);

        Recording recording = ClipSegmenter.record(clip, VideoCodec.H264);

        if (clip.video().extradata().length > 0) {
            assertThat(VideoFormat.fromExtradata(VideoCodec.H264, clip.video().extradata()))
                    .isEqualTo(recording.videoFormat());
        }
        assertThat(recording.videoFormat().width()).isEqualTo(640);
        assertThat(recording.audioFormat().sampleRate()).isEqualTo(44100);
        assertThat(recording.audioFormat().channels()).isEqualTo(1);
        assertThat(recording.segments()).hasSize(SECONDS);
        assertSamplesAtLayoutOffsets(recording, FfmpegRoundTripTest::expectedVideoSample);
        assertNoNalUnits(recording, VideoCodec.H264, 9);
        assertIsoStructure(recording, "avc1");
        assertPlays(recording, "h264", "avc1", 640, 360, SECONDS * FPS, SECONDS);
    }

    @Test
    void hevcFixtureFromMpegTsWritesHvc1() throws Exception {
        DemuxedClip clip = DemuxedClip.read(fixture("hevc-320x180.ts"));
        assertThat(clip.video().codecId()).isEqualTo(avcodec.AV_CODEC_ID_HEVC);
        assertThat(AnnexB.isAnnexB(clip.packetsOf(clip.video()).getFirst().data()))
                .isTrue();

        Recording recording = ClipSegmenter.record(clip, VideoCodec.H265);

        assertThat(recording.videoFormat().width()).isEqualTo(320);
        assertThat(recording.videoFormat().height()).isEqualTo(180);
        assertThat(recording.videoFormat().codecsString()).isEqualTo("hvc1.1.6.L60.90");
        assertThat(recording.segments()).hasSize(2);
        assertThat(Arrays.stream(recording
                        .segments()
                        .getFirst()
                        .layout()
                        .track(Recording.VIDEO_TRACK)
                        .orElseThrow()
                        .compositionOffsets()))
                .as("B-frames")
                .anyMatch(o -> o > 0);
        assertSamplesAtLayoutOffsets(recording, FfmpegRoundTripTest::expectedVideoSample);
        assertNoNalUnits(recording, VideoCodec.H265, 32, 33, 34, 35);
        assertIsoStructure(recording, "hvc1");
        assertPlays(recording, "hevc", "hvc1", 320, 180, 50, 2);
    }

    @Test
    void hevcFixtureFromMp4WithHvcCExtradataWritesHvc1() throws Exception {
        DemuxedClip clip = DemuxedClip.read(fixture("hevc-320x180.mp4"));
        assertThat(clip.video().extradata()[0]).as("hvcC extradata").isEqualTo((byte) 1);

        Recording recording = ClipSegmenter.record(clip, VideoCodec.H265);

        assertThat(recording.videoFormat().vps()).hasSize(1);
        assertThat(recording.videoFormat().codecsString()).isEqualTo("hvc1.1.6.L60.90");
        assertSamplesAtLayoutOffsets(recording, FfmpegRoundTripTest::expectedVideoSample);
        assertIsoStructure(recording, "hvc1");
        assertPlays(recording, "hevc", "hvc1", 320, 180, 50, 2);
    }

    @Test
    void samePacketsGiveIdenticalBytes() throws Exception {
        DemuxedClip clip = DemuxedClip.read(h264Ts);
        Recording first = ClipSegmenter.record(clip, VideoCodec.H264);
        Recording second = ClipSegmenter.record(DemuxedClip.read(h264Ts), VideoCodec.H264);

        assertThat(second.init()).isEqualTo(first.init());
        assertThat(second.segments()).hasSameSizeAs(first.segments());
        for (int i = 0; i < first.segments().size(); i++) {
            assertThat(second.segments().get(i).bytes())
                    .isEqualTo(first.segments().get(i).bytes());
            assertThat(second.segments().get(i).layout())
                    .isEqualTo(first.segments().get(i).layout());
        }
    }

    // --- checks -------------------------------------------------------------------------------------------------

    private interface ExpectedVideo {
        byte[] of(VideoCodec codec, byte[] payload);
    }

    /** Length-prefixed NAL units without delimiters, and for hvc1 without parameter sets. */
    private static byte[] expectedVideoSample(VideoCodec codec, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (NalUnit nal : AnnexB.split(payload)) {
            int type = nal.type(codec);
            if (codec.isAccessUnitDelimiter(type) || (codec == VideoCodec.H265 && codec.isParameterSet(type))) {
                continue;
            }
            out.write(nal.length() >>> 24);
            out.write(nal.length() >>> 16);
            out.write(nal.length() >>> 8);
            out.write(nal.length());
            out.write(nal.data(), nal.offset(), nal.length());
        }
        return out.toByteArray();
    }

    /** Every sample's bytes sit where the published layout says, with the published size and timing. */
    private static void assertSamplesAtLayoutOffsets(Recording recording, ExpectedVideo expectedVideo) {
        VideoCodec codec = recording.videoFormat().codec();
        for (int s = 0; s < recording.segments().size(); s++) {
            MediaSegment segment = recording.segments().get(s);
            for (TrackSamples input : recording.inputs().get(s)) {
                if (input.samples().isEmpty()) {
                    continue;
                }
                TrackRun run = segment.layout().track(input.trackId()).orElseThrow();
                assertThat(run.baseDecodeTime())
                        .isEqualTo(input.samples().getFirst().decodeTime());
                assertThat(run.sampleCount()).isEqualTo(input.samples().size());
                long offset = run.dataOffset();
                for (int i = 0; i < input.samples().size(); i++) {
                    Sample sample = input.samples().get(i);
                    byte[] expected = input.trackId() == Recording.VIDEO_TRACK
                            ? expectedVideo.of(codec, sample.payload())
                            : sample.payload();
                    assertThat(run.sampleSizes()[i]).isEqualTo(expected.length);
                    assertThat(Arrays.copyOfRange(segment.bytes(), (int) offset, (int) offset + expected.length))
                            .as("segment %d track %d sample %d", s, input.trackId(), i)
                            .isEqualTo(expected);
                    assertThat(run.sampleDurations()[i]).isEqualTo(sample.duration());
                    assertThat(run.compositionOffsets()[i]).isEqualTo(sample.compositionOffset());
                    offset += expected.length;
                }
                assertThat(run.syncSamples())
                        .isEqualTo(java.util.stream.IntStream.range(
                                        0, input.samples().size())
                                .filter(i -> input.samples().get(i).sync())
                                .toArray());
            }
            assertThat(segment.mdatOffset() + segment.mdatSize()).isEqualTo(segment.bytes().length);
        }
    }

    private static void assertNoNalUnits(Recording recording, VideoCodec codec, int... types) {
        for (MediaSegment segment : recording.segments()) {
            TrackRun run = segment.layout().track(Recording.VIDEO_TRACK).orElseThrow();
            long offset = run.dataOffset();
            for (int size : run.sampleSizes()) {
                byte[] sample = Arrays.copyOfRange(segment.bytes(), (int) offset, (int) offset + size);
                assertThat(AnnexB.split(sample))
                        .extracting(n -> n.type(codec))
                        .doesNotContain(Arrays.stream(types).boxed().toArray(Integer[]::new));
                offset += size;
            }
        }
    }

    /** isoparser, an independent ISO BMFF reader, sees the boxes and sample tables kvr published. */
    private static void assertIsoStructure(Recording recording, String sampleEntry) throws IOException {
        Path file = Files.write(
                dir.resolve("iso-" + sampleEntry + "-" + System.nanoTime() + ".mp4"), recording.concatenated());
        boolean withAudio = recording.audioFormat() != null;
        try (IsoFile iso = new IsoFile(file.toFile())) {
            FileTypeBox ftyp = org.mp4parser.tools.Path.getPath(iso, "ftyp");
            assertThat(ftyp.getMajorBrand()).isEqualTo("iso6");
            assertThat(ftyp.getCompatibleBrands()).contains("iso6", "cmfc", "mp41", "dash");
            assertThat(org.mp4parser.tools.Path.<org.mp4parser.Box>getPaths(iso, "moov/trak"))
                    .hasSize(withAudio ? 2 : 1);
            assertThat(org.mp4parser.tools.Path.<org.mp4parser.Box>getPaths(iso, "moov/mvex/trex"))
                    .hasSize(withAudio ? 2 : 1);
            VisualSampleEntry visual =
                    org.mp4parser.tools.Path.getPath(iso, "moov/trak[0]/mdia/minf/stbl/stsd/" + sampleEntry);
            assertThat(visual).as(sampleEntry).isNotNull();
            assertThat(visual.getWidth()).isEqualTo(recording.videoFormat().width());
            assertThat(visual.getHeight()).isEqualTo(recording.videoFormat().height());
            if (sampleEntry.equals("avc1")) {
                AvcConfigurationBox avcC = org.mp4parser.tools.Path.getPath(visual, "avcC");
                assertThat(avcC.getLengthSizeMinusOne()).isEqualTo(3);
                assertThat(avcC.getSequenceParameterSets()).hasSize(1);
            } else {
                HevcConfigurationBox hvcC = org.mp4parser.tools.Path.getPath(visual, "hvcC");
                assertThat(hvcC.getLengthSizeMinusOne()).isEqualTo(3);
                assertThat(hvcC.getGeneral_profile_idc()).isEqualTo(1);
                assertThat(hvcC.getArrays()).extracting(a -> a.nal_unit_type).containsExactly(32, 33, 34);
                assertThat(hvcC.getArrays()).allMatch(a -> a.array_completeness);
            }
            if (withAudio) {
                AudioSampleEntry mp4a = org.mp4parser.tools.Path.getPath(iso, "moov/trak[1]/mdia/minf/stbl/stsd/mp4a");
                assertThat(mp4a.getSampleRate())
                        .isEqualTo(recording.audioFormat().sampleRate());
                ESDescriptorBox esds = org.mp4parser.tools.Path.getPath(mp4a, "esds");
                assertThat(esds.getEsDescriptor().getDecoderConfigDescriptor().getObjectTypeIndication())
                        .isEqualTo(0x40);
                assertThat(esds.getEsDescriptor()
                                .getDecoderConfigDescriptor()
                                .getAudioSpecificInfo()
                                .getAudioObjectType())
                        .isEqualTo(2);
            }

            List<MovieFragmentBox> moofs = org.mp4parser.tools.Path.getPaths(iso, "moof");
            assertThat(moofs).hasSameSizeAs(recording.segments());
            assertThat(org.mp4parser.tools.Path.<org.mp4parser.Box>getPaths(iso, "mdat"))
                    .hasSameSizeAs(recording.segments());
            assertThat(org.mp4parser.tools.Path.<org.mp4parser.Box>getPaths(iso, "styp"))
                    .hasSameSizeAs(recording.segments());
            Map<Long, Long> samplesPerTrack = new HashMap<>();
            for (int s = 0; s < moofs.size(); s++) {
                MovieFragmentBox moof = moofs.get(s);
                MediaSegment segment = recording.segments().get(s);
                MovieFragmentHeaderBox mfhd = org.mp4parser.tools.Path.getPath(moof, "mfhd");
                assertThat(mfhd.getSequenceNumber()).isEqualTo(s + 1);
                List<TrackFragmentBox> trafs = moof.getBoxes(TrackFragmentBox.class);
                assertThat(trafs).hasSameSizeAs(segment.tracks());
                for (int t = 0; t < trafs.size(); t++) {
                    TrackFragmentBox traf = trafs.get(t);
                    TrackRun run = segment.tracks().get(t);
                    TrackFragmentHeaderBox tfhd = traf.getTrackFragmentHeaderBox();
                    assertThat(tfhd.getTrackId()).isEqualTo(run.trackId());
                    assertThat(tfhd.isDefaultBaseIsMoof()).isTrue();
                    TrackFragmentBaseMediaDecodeTimeBox tfdt = traf.getBoxes(TrackFragmentBaseMediaDecodeTimeBox.class)
                            .getFirst();
                    assertThat(tfdt.getVersion()).isEqualTo(1);
                    assertThat(tfdt.getBaseMediaDecodeTime()).isEqualTo(run.baseDecodeTime());
                    TrackRunBox trun = traf.getBoxes(TrackRunBox.class).getFirst();
                    assertThat(trun.getSampleCount()).isEqualTo(run.sampleCount());
                    assertThat(segment.moofOffset() + trun.getDataOffset()).isEqualTo(run.dataOffset());
                    for (int i = 0; i < run.sampleCount(); i++) {
                        TrackRunBox.Entry entry = trun.getEntries().get(i);
                        assertThat(entry.getSampleSize()).isEqualTo(run.sampleSizes()[i]);
                        assertThat(entry.getSampleDuration()).isEqualTo(run.sampleDurations()[i]);
                        boolean sync = Arrays.binarySearch(run.syncSamples(), i) >= 0;
                        assertThat(entry.getSampleFlags().isSampleIsDifferenceSample())
                                .isEqualTo(!sync);
                        assertThat(entry.getSampleFlags().getSampleDependsOn()).isEqualTo(sync ? 2 : 1);
                    }
                    samplesPerTrack.merge(tfhd.getTrackId(), trun.getSampleCount(), Long::sum);
                }
            }
            assertThat(samplesPerTrack.get((long) Recording.VIDEO_TRACK))
                    .isEqualTo(recording.sampleCount(Recording.VIDEO_TRACK));
            if (withAudio) {
                assertThat(samplesPerTrack.get((long) Recording.AUDIO_TRACK))
                        .isEqualTo(recording.sampleCount(Recording.AUDIO_TRACK));
            }
        }
    }

    /** ffprobe reads codec, sample entry, size, frame count and duration; ffmpeg decodes it all without an error. */
    private static void assertPlays(
            Recording recording, String codecName, String tag, int width, int height, int frames, double seconds)
            throws Exception {
        Path file =
                Files.write(dir.resolve("play-" + tag + "-" + System.nanoTime() + ".mp4"), recording.concatenated());

        BundledFfmpeg.Result probe = BundledFfmpeg.ffprobe(
                "-v",
                "error",
                "-count_frames",
                "-select_streams",
                "v:0",
                "-show_entries",
                "stream=codec_name,codec_tag_string,width,height,nb_read_frames,duration",
                "-of",
                "default=noprint_wrappers=1",
                file.toString());
        assertThat(probe.exitCode()).as(probe.stderr()).isZero();
        assertThat(probe.stderr()).isEmpty();
        Map<String, String> video = keyValues(probe.stdout());
        assertThat(video)
                .containsEntry("codec_name", codecName)
                .containsEntry("codec_tag_string", tag)
                .containsEntry("width", String.valueOf(width))
                .containsEntry("height", String.valueOf(height))
                .containsEntry("nb_read_frames", String.valueOf(frames));
        assertThat(Double.parseDouble(video.get("duration"))).isCloseTo(seconds, within(0.05));

        if (recording.audioFormat() != null) {
            BundledFfmpeg.Result audioProbe = BundledFfmpeg.ffprobe(
                    "-v",
                    "error",
                    "-count_frames",
                    "-select_streams",
                    "a:0",
                    "-show_entries",
                    "stream=codec_name,sample_rate,channels,nb_read_frames",
                    "-of",
                    "default=noprint_wrappers=1",
                    file.toString());
            assertThat(audioProbe.stderr()).isEmpty();
            Map<String, String> audio = keyValues(audioProbe.stdout());
            assertThat(audio)
                    .containsEntry("codec_name", "aac")
                    .containsEntry(
                            "sample_rate",
                            String.valueOf(recording.audioFormat().sampleRate()))
                    .containsEntry(
                            "channels", String.valueOf(recording.audioFormat().channels()))
                    .containsEntry("nb_read_frames", String.valueOf(recording.sampleCount(Recording.AUDIO_TRACK)));
        }

        BundledFfmpeg.Result decode =
                BundledFfmpeg.ffmpeg("-v", "error", "-nostdin", "-i", file.toString(), "-f", "null", "-");
        assertThat(decode.exitCode()).isZero();
        assertThat(decode.stderr()).isEmpty();
    }

    private static Map<String, String> keyValues(String output) {
        Map<String, String> values = new HashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return values;
    }

    private static Path fixture(String name) throws IOException {
        Path file = dir.resolve(name);
        try (InputStream in = FfmpegRoundTripTest.class.getResourceAsStream("/fixtures/" + name)) {
            assertThat(in).as(name).isNotNull();
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }
}
