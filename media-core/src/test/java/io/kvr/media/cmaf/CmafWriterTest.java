package io.kvr.media.cmaf;

import static io.kvr.media.codec.RealParameterSets.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.media.codec.AudioFormat;
import io.kvr.media.codec.Mpeg4VisualFormat;
import io.kvr.media.codec.RealParameterSets;
import io.kvr.media.codec.VideoCodec;
import io.kvr.media.codec.VideoFormat;
import io.kvr.media.mp4.InitSegment;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mp4parser.Box;
import org.mp4parser.IsoFile;
import org.mp4parser.boxes.iso14496.part1.objectdescriptors.DecoderConfigDescriptor;
import org.mp4parser.boxes.iso14496.part12.HandlerBox;
import org.mp4parser.boxes.iso14496.part12.MediaHeaderBox;
import org.mp4parser.boxes.iso14496.part12.MovieHeaderBox;
import org.mp4parser.boxes.iso14496.part12.SampleSizeBox;
import org.mp4parser.boxes.iso14496.part12.TimeToSampleBox;
import org.mp4parser.boxes.iso14496.part12.TrackExtendsBox;
import org.mp4parser.boxes.iso14496.part12.TrackHeaderBox;
import org.mp4parser.boxes.iso14496.part12.TrackRunBox;
import org.mp4parser.boxes.iso14496.part14.ESDescriptorBox;
import org.mp4parser.boxes.sampleentry.VisualSampleEntry;
import org.mp4parser.tools.Path;

class CmafWriterTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final VideoFormat H264 = VideoFormat.of(
            VideoCodec.H264,
            List.of(),
            List.of(hex(RealParameterSets.H264_BASELINE_640X360)),
            List.of(hex(RealParameterSets.H264_BASELINE_PPS)));
    private static final VideoFormat H265 = VideoFormat.of(
            VideoCodec.H265,
            List.of(hex(RealParameterSets.H265_VPS_1920X1080)),
            List.of(hex(RealParameterSets.H265_SPS_1920X1080)),
            List.of(hex(RealParameterSets.H265_PPS)));
    private static final AudioFormat AAC = AudioFormat.fromAudioSpecificConfig(HEX.parseHex("1210"));
    private static final CmafWriter WRITER = new CmafWriter(List.of(Track.video(1, H264), Track.audio(2, AAC)));

    /** Annex B with an access unit delimiter (dropped) and one slice of {@code sliceBytes} bytes. */
    private static byte[] videoUnit(int sliceHeader, int sliceBytes) {
        byte[] unit = new byte[6 + 4 + sliceBytes];
        System.arraycopy(HEX.parseHex("000000010910"), 0, unit, 0, 6);
        unit[9] = 1;
        unit[10] = (byte) sliceHeader;
        Arrays.fill(unit, 11, unit.length, (byte) 0x5a);
        return unit;
    }

    private static List<TrackSamples> fragment(int firstCompositionOffset) {
        return List.of(
                new TrackSamples(
                        1,
                        List.of(
                                new Sample(90_000, 3600, firstCompositionOffset, true, videoUnit(0x65, 100)),
                                new Sample(93_600, 3600, 0, false, videoUnit(0x41, 50)),
                                new Sample(97_200, 3600, 3600, false, videoUnit(0x41, 20)))),
                new TrackSamples(
                        2,
                        List.of(
                                new Sample(44_100, 1024, 0, true, new byte[] {1, 2, 3}),
                                new Sample(45_124, 1024, 0, true, new byte[] {4, 5}))));
    }

    @Test
    void initSegmentStartsWithTheCmafBrands() {
        byte[] init = WRITER.initSegment();

        assertThat(HEX.formatHex(init, 0, 32))
                .isEqualTo("00000020" + "66747970" + "69736f36" + "00000000" + "69736f36" + "636d6663" + "6d703431"
                        + "64617368");
    }

    @Test
    void initSegmentIsReadByIsoparser() throws Exception {
        try (IsoFile iso = new IsoFile(Channels.newChannel(new java.io.ByteArrayInputStream(WRITER.initSegment())))) {
            MovieHeaderBox mvhd = Path.getPath(iso, "moov/mvhd");
            assertThat(mvhd.getNextTrackId()).isEqualTo(3);
            assertThat(mvhd.getCreationTime().getTime()).isEqualTo(-2082844800000L); // 1904, i.e. 0
            List<TrackHeaderBox> tkhds = Path.getPaths(iso, "moov/trak/tkhd");
            assertThat(tkhds).extracting(TrackHeaderBox::getTrackId).containsExactly(1L, 2L);
            assertThat(tkhds.getFirst().getWidth()).isEqualTo(640.0);
            assertThat(tkhds.getFirst().getHeight()).isEqualTo(360.0);
            assertThat(Path.<MediaHeaderBox>getPaths(iso, "moov/trak/mdia/mdhd"))
                    .extracting(MediaHeaderBox::getTimescale)
                    .containsExactly(90_000L, 44_100L);
            assertThat(Path.<HandlerBox>getPaths(iso, "moov/trak/mdia/hdlr"))
                    .extracting(HandlerBox::getHandlerType)
                    .containsExactly("vide", "soun");
            assertThat(Path.<Box>getPaths(iso, "moov/trak/mdia/minf/vmhd")).hasSize(1);
            assertThat(Path.<Box>getPaths(iso, "moov/trak/mdia/minf/smhd")).hasSize(1);
            assertThat(Path.<Box>getPaths(iso, "moov/trak/mdia/minf/dinf/dref")).hasSize(2);
            assertThat(Path.<TimeToSampleBox>getPaths(iso, "moov/trak/mdia/minf/stbl/stts"))
                    .allMatch(stts -> stts.getEntries().isEmpty());
            assertThat(Path.<SampleSizeBox>getPaths(iso, "moov/trak/mdia/minf/stbl/stsz"))
                    .allMatch(stsz -> stsz.getSampleCount() == 0);
            assertThat(Path.<Box>getPaths(iso, "moov/trak/mdia/minf/stbl/stsc")).hasSize(2);
            assertThat(Path.<Box>getPaths(iso, "moov/trak/mdia/minf/stbl/stco")).hasSize(2);
            assertThat(Path.<Box>getPath(iso, "moov/trak[0]/mdia/minf/stbl/stsd/avc1/avcC"))
                    .isNotNull();
            assertThat(Path.<Box>getPath(iso, "moov/trak[1]/mdia/minf/stbl/stsd/mp4a/esds"))
                    .isNotNull();
            assertThat(Path.<TrackExtendsBox>getPaths(iso, "moov/mvex/trex"))
                    .extracting(TrackExtendsBox::getTrackId)
                    .containsExactly(1L, 2L);
        }
    }

    @Test
    void h265InitUsesHvc1() throws Exception {
        byte[] init = new CmafWriter(List.of(Track.video(7, H265))).initSegment();

        try (IsoFile iso = new IsoFile(Channels.newChannel(new java.io.ByteArrayInputStream(init)))) {
            assertThat(Path.<Box>getPath(iso, "moov/trak/mdia/minf/stbl/stsd/hvc1/hvcC"))
                    .isNotNull();
            assertThat(Path.<Box>getPath(iso, "moov/trak/mdia/minf/stbl/stsd/hev1"))
                    .isNull();
        }
    }

    /** VOS (Simple Profile level 1), VO and VOL of 640x360, as avenc_mpeg4 writes them. */
    private static final byte[] MPEG4_CONFIG = HEX.parseHex(
            "000001b001000001b58913000001000000012000c48d8ffffd14042d1463000001b24c61766335392e33372e313030");

    @Test
    void mpeg4PartTwoInitUsesMp4vWithAVisualEsds() throws Exception {
        Mpeg4VisualFormat format = Mpeg4VisualFormat.fromExtradata(MPEG4_CONFIG);
        byte[] init = new CmafWriter(List.of(Track.video(1, format), Track.audio(2, AAC))).initSegment();

        try (IsoFile iso = new IsoFile(Channels.newChannel(new java.io.ByteArrayInputStream(init)))) {
            TrackHeaderBox tkhd = Path.getPath(iso, "moov/trak[0]/tkhd");
            assertThat(tkhd.getWidth()).isEqualTo(640.0);
            assertThat(tkhd.getHeight()).isEqualTo(360.0);
            assertThat(Path.<HandlerBox>getPath(iso, "moov/trak[0]/mdia/hdlr").getHandlerType())
                    .isEqualTo("vide");
            VisualSampleEntry mp4v = Path.getPath(iso, "moov/trak[0]/mdia/minf/stbl/stsd/mp4v");
            assertThat(mp4v).isNotNull();
            assertThat(mp4v.getWidth()).isEqualTo(640);
            assertThat(mp4v.getHeight()).isEqualTo(360);
            ESDescriptorBox esds = Path.getPath(mp4v, "esds");
            DecoderConfigDescriptor config = esds.getEsDescriptor().getDecoderConfigDescriptor();
            assertThat(config.getObjectTypeIndication())
                    .as("Visual ISO/IEC 14496-2")
                    .isEqualTo(0x20);
            assertThat(config.getStreamType()).as("VisualStream").isEqualTo(0x04);
            ByteBuffer info = config.getDecoderSpecificInfo().serialize();
            byte[] tail = new byte[MPEG4_CONFIG.length];
            info.position(info.limit() - tail.length);
            info.get(tail);
            assertThat(HEX.formatHex(tail)).isEqualTo(HEX.formatHex(MPEG4_CONFIG));
            assertThat(Path.<Box>getPath(iso, "moov/trak[1]/mdia/minf/stbl/stsd/mp4a/esds"))
                    .isNotNull();
        }
        InitSegment parsed = InitSegment.parse(init);
        assertThat(parsed.tracks())
                .extracting(InitSegment.TrackConfig::sampleEntry)
                .containsExactly("mp4v", "mp4a");
        assertThat(parsed.track(1).orElseThrow().video()).isTrue();
        assertThat(parsed.track(1).orElseThrow().width()).isEqualTo(640);
    }

    @Test
    void mpeg4PartTwoSamplesAreWrittenAsTheyAre() {
        CmafWriter writer = new CmafWriter(List.of(Track.video(1, Mpeg4VisualFormat.fromExtradata(MPEG4_CONFIG))));
        byte[] keyframe = HEX.parseHex(HEX.formatHex(MPEG4_CONFIG) + "000001b3001007" + "000001b610000c16");
        byte[] delta = HEX.parseHex("000001b650a3de10");

        MediaSegment segment = writer.mediaSegment(
                1,
                List.of(new TrackSamples(
                        1, List.of(new Sample(0, 3600, 0, true, keyframe), new Sample(3600, 3600, 0, false, delta)))));

        TrackRun run = segment.layout().track(1).orElseThrow();
        assertThat(run.sampleSizes()).containsExactly(keyframe.length, delta.length);
        assertThat(run.syncSamples()).containsExactly(0);
        int at = (int) run.dataOffset();
        assertThat(Arrays.copyOfRange(segment.bytes(), at, at + keyframe.length))
                .isEqualTo(keyframe);
        assertThat(Arrays.copyOfRange(segment.bytes(), at + keyframe.length, segment.bytes().length))
                .isEqualTo(delta);
    }

    @Test
    void mediaSegmentLayoutIsExact() {
        MediaSegment segment = WRITER.mediaSegment(5, fragment(0));
        SegmentLayout layout = segment.layout();

        // styp 24; moof 8 + mfhd 16 + traf(8 + 16 + 20 + trun(12 + 8 + 3 * 16)) + traf(8 + 16 + 20 + trun(12 + 8 + 2 *
        // 12))
        assertThat(layout.moofOffset()).isEqualTo(24);
        assertThat(layout.moofSize()).isEqualTo(24 + 112 + 88);
        assertThat(layout.mdatOffset()).isEqualTo(24 + 224);
        int videoBytes = (4 + 100) + (4 + 50) + (4 + 20);
        assertThat(layout.mdatSize()).isEqualTo(8 + videoBytes + 5);
        assertThat(layout.size()).isEqualTo(segment.bytes().length).isEqualTo(24 + 224 + 8 + videoBytes + 5);
        TrackRun video = layout.track(1).orElseThrow();
        assertThat(video.baseDecodeTime()).isEqualTo(90_000);
        assertThat(video.dataOffset()).isEqualTo(24 + 224 + 8);
        assertThat(video.sampleSizes()).containsExactly(104, 54, 24);
        assertThat(video.sampleDurations()).containsExactly(3600, 3600, 3600);
        assertThat(video.compositionOffsets()).containsExactly(0, 0, 3600);
        assertThat(video.syncSamples()).containsExactly(0);
        assertThat(video.duration()).isEqualTo(10_800);
        TrackRun audio = layout.track(2).orElseThrow();
        assertThat(audio.dataOffset()).isEqualTo(video.dataOffset() + videoBytes);
        assertThat(audio.syncSamples()).containsExactly(0, 1);
        byte[] bytes = segment.bytes();
        assertThat(HEX.formatHex(bytes, (int) video.dataOffset(), (int) video.dataOffset() + 6))
                .isEqualTo("00000064655a");
        assertThat(Arrays.copyOfRange(bytes, (int) audio.dataOffset(), bytes.length))
                .containsExactly(1, 2, 3, 4, 5);
        assertThat(HEX.formatHex(bytes, 4, 8)).isEqualTo("73747970"); // styp
        assertThat(HEX.formatHex(bytes, (int) layout.mdatOffset() + 4, (int) layout.mdatOffset() + 8))
                .isEqualTo("6d646174"); // mdat
    }

    @Test
    void negativeCompositionOffsetsUseTrunVersion1() throws Exception {
        MediaSegment positive = WRITER.mediaSegment(1, fragment(0));
        MediaSegment negative = WRITER.mediaSegment(1, fragment(-3600));

        List<TrackRunBox> positiveRuns = truns(positive.bytes());
        List<TrackRunBox> negativeRuns = truns(negative.bytes());

        assertThat(positiveRuns.getFirst().getVersion()).isZero();
        assertThat(negativeRuns.getFirst().getVersion()).isEqualTo(1);
        assertThat(negativeRuns.getFirst().getEntries().getFirst().getSampleCompositionTimeOffset())
                .isEqualTo(-3600);
        assertThat(negativeRuns.getFirst().getEntries().get(2).getSampleCompositionTimeOffset())
                .isEqualTo(3600);
        assertThat(negativeRuns.get(1).isSampleCompositionTimeOffsetPresent())
                .as("audio has none")
                .isFalse();
    }

    @Test
    void streamedAndArraySegmentsAreIdentical() throws Exception {
        MediaSegment inArray = WRITER.mediaSegment(3, fragment(0));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        SegmentLayout layout = WRITER.writeMediaSegment(3, fragment(0), out);

        assertThat(out.toByteArray()).isEqualTo(inArray.bytes());
        assertThat(layout).isEqualTo(inArray.layout());
        assertThat(WRITER.mediaSegment(3, fragment(0))).isEqualTo(inArray);
    }

    @Test
    void hvc1SamplesLoseInBandParameterSets() {
        CmafWriter writer = new CmafWriter(List.of(Track.video(1, H265)));
        byte[] keyframe = HEX.parseHex("00000001" + "460150" + "00000001" + RealParameterSets.H265_VPS_1920X1080
                + "00000001" + RealParameterSets.H265_SPS_1920X1080 + "00000001" + RealParameterSets.H265_PPS
                + "00000001" + "2601af08");

        MediaSegment segment =
                writer.mediaSegment(1, List.of(new TrackSamples(1, List.of(new Sample(0, 3000, 0, true, keyframe)))));

        TrackRun run = segment.tracks().getFirst();
        assertThat(run.sampleSizes()).containsExactly(8);
        assertThat(HEX.formatHex(segment.bytes(), (int) run.dataOffset(), segment.bytes().length))
                .isEqualTo("00000004" + "2601af08");
    }

    @Test
    void tracksWithoutSamplesGetNoTraf() throws Exception {
        MediaSegment segment = WRITER.mediaSegment(1, List.of(fragment(0).getFirst(), new TrackSamples(2, List.of())));

        assertThat(segment.tracks()).extracting(TrackRun::trackId).containsExactly(1);
        assertThat(truns(segment.bytes())).hasSize(1);
        assertThat(segment.layout().track(2)).isEmpty();
    }

    @Test
    void rejectsInconsistentInput() {
        List<Sample> gap = List.of(
                new Sample(0, 3600, 0, true, videoUnit(0x65, 1)), new Sample(3601, 3600, 0, false, videoUnit(0x41, 1)));
        assertThatThrownBy(() -> WRITER.mediaSegment(1, List.of(new TrackSamples(1, gap))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("previous one ends at 3600");
        assertThatThrownBy(() -> WRITER.mediaSegment(1, List.of(new TrackSamples(9, gap))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not in the init segment");
        assertThatThrownBy(() -> WRITER.mediaSegment(
                        1, List.of(fragment(0).getFirst(), fragment(0).getFirst())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> WRITER.mediaSegment(1, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without samples");
        assertThatThrownBy(() -> WRITER.mediaSegment(1L << 32, fragment(0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CmafWriter(List.of(Track.video(1, H264), Track.audio(1, AAC))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate");
    }

    private static List<TrackRunBox> truns(byte[] segment) throws Exception {
        try (IsoFile iso = new IsoFile(Channels.newChannel(new java.io.ByteArrayInputStream(segment)))) {
            List<TrackRunBox> truns = Path.getPaths(iso, "moof/traf/trun");
            // force parsing while the file is open
            truns.forEach(TrackRunBox::getEntries);
            return truns;
        }
    }
}
