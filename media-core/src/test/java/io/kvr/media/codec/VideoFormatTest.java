package io.kvr.media.codec;

import static io.kvr.media.codec.RealParameterSets.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.media.MalformedMediaException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mp4parser.boxes.iso14496.part15.AvcDecoderConfigurationRecord;
import org.mp4parser.boxes.iso14496.part15.HevcDecoderConfigurationRecord;

class VideoFormatTest {

    private static final byte[] SPS = hex(RealParameterSets.H264_HIGH_1920X1080);
    private static final byte[] PPS = hex(RealParameterSets.H264_HIGH_PPS);
    private static final byte[] VPS = hex(RealParameterSets.H265_VPS_1920X1080);
    private static final byte[] HEVC_SPS = hex(RealParameterSets.H265_SPS_1920X1080);
    private static final byte[] HEVC_PPS = hex(RealParameterSets.H265_PPS);

    @Test
    void readsAnnexBExtradata() {
        VideoFormat format = VideoFormat.fromExtradata(VideoCodec.H264, annexB(SPS, PPS));

        assertThat(format.width()).isEqualTo(1920);
        assertThat(format.height()).isEqualTo(1080);
        assertThat(format.sps()).singleElement().isEqualTo(SPS);
        assertThat(format.pps()).singleElement().isEqualTo(PPS);
        assertThat(format.vps()).isEmpty();
        assertThat(format.codecsString()).isEqualTo("avc1.640028");
    }

    @Test
    void avcCRoundTripsAndIsReadByIsoparser() {
        VideoFormat format = VideoFormat.of(VideoCodec.H264, List.of(), List.of(SPS), List.of(PPS));
        byte[] avcC = format.decoderConfigurationRecord();

        assertThat(VideoFormat.fromExtradata(VideoCodec.H264, avcC)).isEqualTo(format);
        AvcDecoderConfigurationRecord independent = new AvcDecoderConfigurationRecord(ByteBuffer.wrap(avcC));
        assertThat(independent.avcProfileIndication).isEqualTo(100);
        assertThat(independent.avcLevelIndication).isEqualTo(40);
        assertThat(independent.lengthSizeMinusOne).isEqualTo(3);
        assertThat(independent.hasExts).isTrue();
        assertThat(independent.chromaFormat).isEqualTo(1);
        assertThat(independent.sequenceParameterSets).singleElement().isEqualTo(ByteBuffer.wrap(SPS));
        assertThat(independent.pictureParameterSets).singleElement().isEqualTo(ByteBuffer.wrap(PPS));
    }

    @Test
    void baselineAvcCHasNoHighProfileExtension() {
        byte[] sps = hex(RealParameterSets.H264_BASELINE_640X360);
        byte[] pps = hex(RealParameterSets.H264_BASELINE_PPS);
        byte[] avcC = VideoFormat.of(VideoCodec.H264, List.of(), List.of(sps), List.of(pps))
                .decoderConfigurationRecord();

        assertThat(avcC).hasSize(6 + 2 + sps.length + 1 + 2 + pps.length);
        assertThat(avcC[1]).isEqualTo((byte) 0x42);
        assertThat(avcC[4]).isEqualTo((byte) 0xff);
        assertThat(avcC[5]).isEqualTo((byte) 0xe1);
    }

    @Test
    void hvcCRoundTripsAndIsReadByIsoparser() {
        VideoFormat format = VideoFormat.fromExtradata(VideoCodec.H265, annexB(VPS, HEVC_SPS, HEVC_PPS));
        byte[] hvcC = format.decoderConfigurationRecord();

        assertThat(VideoFormat.fromExtradata(VideoCodec.H265, hvcC)).isEqualTo(format);
        HevcDecoderConfigurationRecord independent = new HevcDecoderConfigurationRecord();
        independent.parse(ByteBuffer.wrap(hvcC));
        assertThat(independent.getGeneral_profile_idc()).isEqualTo(1);
        assertThat(independent.getGeneral_profile_compatibility_flags()).isEqualTo(0x60000000L);
        // constraint byte 0x90: general_progressive_source_flag and general_frame_only_constraint_flag
        assertThat(independent.isProgressive_source_flag()).isTrue();
        assertThat(independent.isInterlaced_source_flag()).isFalse();
        assertThat(independent.isNon_packed_constraint_flag()).isFalse();
        assertThat(independent.isFrame_only_constraint_flag()).isTrue();
        assertThat(independent.getGeneral_level_idc()).isEqualTo(120);
        assertThat(independent.getChromaFormat()).isEqualTo(1);
        assertThat(independent.getBitDepthLumaMinus8()).isZero();
        assertThat(independent.getNumTemporalLayers()).isEqualTo(1);
        assertThat(independent.isTemporalIdNested()).isTrue();
        assertThat(independent.getLengthSizeMinusOne()).isEqualTo(3);
        assertThat(independent.getArrays()).hasSize(3).allMatch(a -> a.array_completeness && a.nalUnits.size() == 1);
        assertThat(independent.getArrays()).extracting(a -> a.nal_unit_type).containsExactly(32, 33, 34);
        assertThat(independent.getArrays().get(1).nalUnits.getFirst()).isEqualTo(HEVC_SPS);
        assertThat(format.codecsString()).isEqualTo("hvc1.1.6.L120.90");
    }

    @Test
    void main10HvcCCarriesBitDepth() {
        byte[] sps = hex(RealParameterSets.H265_SPS_MAIN10_1280X720);
        byte[] hvcC = VideoFormat.of(
                        VideoCodec.H265,
                        List.of(hex(RealParameterSets.H265_VPS_MAIN10)),
                        List.of(sps),
                        List.of(HEVC_PPS))
                .decoderConfigurationRecord();

        HevcDecoderConfigurationRecord independent = new HevcDecoderConfigurationRecord();
        independent.parse(ByteBuffer.wrap(hvcC));
        assertThat(independent.getGeneral_profile_idc()).isEqualTo(2);
        assertThat(independent.getBitDepthLumaMinus8()).isEqualTo(2);
        assertThat(independent.getBitDepthChromaMinus8()).isEqualTo(2);
    }

    @Test
    void findsInBandParameterSetsInAKeyframeOnce() {
        byte[] idr = hex("65888010");
        byte[] keyframe = annexB(hex("0910"), SPS, PPS, SPS, idr);

        VideoFormat format =
                VideoFormat.fromAccessUnit(VideoCodec.H264, keyframe).orElseThrow();

        assertThat(format.sps()).hasSize(1);
        assertThat(format.width()).isEqualTo(1920);
        assertThat(VideoFormat.fromAccessUnit(VideoCodec.H264, annexB(hex("41e0"))))
                .isEmpty();
        assertThat(VideoFormat.fromAccessUnit(VideoCodec.H264, annexB(SPS, idr)))
                .as("no PPS")
                .isEmpty();
        assertThat(VideoFormat.fromAccessUnit(VideoCodec.H265, annexB(HEVC_SPS, HEVC_PPS)))
                .as("no VPS")
                .isEmpty();
    }

    @Test
    void rejectsExtradataThatIsNeither() {
        assertThatThrownBy(() -> VideoFormat.fromExtradata(VideoCodec.H264, hex("6742c01e")))
                .isInstanceOf(MalformedMediaException.class);
        assertThatThrownBy(() -> VideoFormat.fromExtradata(VideoCodec.H264, annexB(PPS)))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessageContaining("lacks parameter sets");
        assertThatThrownBy(() -> VideoFormat.fromExtradata(VideoCodec.H264, hex("01640028ff")))
                .isInstanceOf(MalformedMediaException.class);
    }

    @Test
    void h265NeedsAVps() {
        assertThatThrownBy(() ->
                        new VideoFormat(VideoCodec.H265, 320, 180, List.of(), List.of(HEVC_SPS), List.of(HEVC_PPS)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static byte[] annexB(byte[]... nals) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] nal : nals) {
            out.writeBytes(new byte[] {0, 0, 0, 1});
            out.writeBytes(nal);
        }
        return out.toByteArray();
    }
}
