package io.kvr.bridge.rtsp;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.schemas.Codec;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParameterSetsTest {
    private static final HexFormat HEX = HexFormat.of();
    // H.264: SPS (type 7), PPS (type 8), IDR slice (type 5); bytes after the header are arbitrary here
    private static final byte[] SPS = HEX.parseHex("6742c01e95a0500bfe580440");
    private static final byte[] SPS_720P = HEX.parseHex("6742c01f95a014016c0440");
    private static final byte[] PPS = HEX.parseHex("68ce3c80");
    private static final byte[] IDR = HEX.parseHex("65888040ffee");
    // H.265: VPS (32), SPS (33), PPS (34), IDR_W_RADL (19)
    private static final byte[] VPS = HEX.parseHex("40010c01ffff");
    private static final byte[] SPS_265 = HEX.parseHex("4201010160a0");
    private static final byte[] PPS_265 = HEX.parseHex("4401c172b4");
    private static final byte[] IDR_265 = HEX.parseHex("2601af0a");

    static byte[] annexB(boolean longStartCodes, byte[]... nals) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] nal : nals) {
            out.writeBytes(longStartCodes ? new byte[] {0, 0, 0, 1} : new byte[] {0, 0, 1});
            out.writeBytes(nal);
        }
        return out.toByteArray();
    }

    @ParameterizedTest(name = "4-byte start codes: {0}")
    @CsvSource({"true", "false"})
    void findsH264ParameterSetsInAKeyframe(boolean longStartCodes) {
        ParameterSets sets = ParameterSets.scan(Codec.H264, annexB(longStartCodes, SPS, PPS, IDR));

        assertThat(sets.nalUnits()).containsExactly(SPS, PPS);
        assertThat(sets.annexB()).isEqualTo(annexB(true, SPS, PPS));
    }

    @Test
    void findsH265ParameterSets() {
        ParameterSets sets = ParameterSets.scan(Codec.H265, annexB(true, VPS, SPS_265, PPS_265, IDR_265));

        assertThat(sets.nalUnits()).containsExactly(VPS, SPS_265, PPS_265);
    }

    @Test
    void trailingZeroBytesDoNotMakeADifference() {
        byte[] withZeros = annexB(true, SPS, PPS);
        byte[] padded = new byte[withZeros.length + 2];
        System.arraycopy(withZeros, 0, padded, 0, withZeros.length);

        assertThat(ParameterSets.scan(Codec.H264, padded)).isEqualTo(ParameterSets.scan(Codec.H264, withZeros));
    }

    @Test
    void framesWithoutParameterSetsAndNonAnnexBDataHaveNone() {
        assertThat(ParameterSets.scan(Codec.H264, annexB(true, IDR)).isEmpty()).isTrue();
        assertThat(ParameterSets.scan(Codec.H264, HEX.parseHex("0164001fffe1000c"))
                        .isEmpty())
                .isTrue(); // avcC
        assertThat(ParameterSets.scan(Codec.H264, new byte[0]).isEmpty()).isTrue();
    }

    @Test
    void aChangeIsAParameterSetTheStreamDoesNotHold() {
        ParameterSets session = ParameterSets.scan(Codec.H264, annexB(true, SPS, PPS));

        assertThat(session.changedBy(ParameterSets.scan(Codec.H264, annexB(false, SPS, PPS, IDR))))
                .isFalse();
        assertThat(session.changedBy(ParameterSets.scan(Codec.H264, annexB(true, PPS, IDR))))
                .isFalse();
        assertThat(session.changedBy(ParameterSets.NONE)).isFalse();
        assertThat(session.changedBy(ParameterSets.scan(Codec.H264, annexB(true, SPS_720P, PPS, IDR))))
                .isTrue();
    }

    @Test
    void tracksH264H265AndMpeg4PartTwo() {
        assertThat(ParameterSets.tracked(Codec.H264)).isTrue();
        assertThat(ParameterSets.tracked(Codec.H265)).isTrue();
        assertThat(ParameterSets.tracked(Codec.MPEG4)).isTrue();
        assertThat(ParameterSets.tracked(Codec.AAC)).isFalse();
    }

    // MPEG-4 Part 2 headers as FFmpeg's encoder writes them: VOS (profile_and_level 1), visual object, video
    // object (its start code alone), video object layer; then user data
    private static final String MPEG4_640X360 = "000001b001000001b58913000001000000012000c48d8ffffd14042d1463";
    private static final String MPEG4_320X180 = "000001b001000001b58913000001000000012000c48d8800cd0a04169443";
    private static final String USER_DATA = "000001b24c61766335392e33372e313030";
    private static final String GOV_AND_I_VOP = "000001b3001007000001b610000c16";

    @Test
    void mpeg4HeadersAreTheVosVoAndVolBeforeTheFirstVop() {
        ParameterSets sdp = ParameterSets.scan(Codec.MPEG4, HEX.parseHex(MPEG4_640X360 + USER_DATA));
        assertThat(sdp.nalUnits()).extracting(u -> u[0] & 0xff).containsExactly(0xb0, 0xb5, 0x00, 0x20);
        assertThat(sdp.pictureSize(Codec.MPEG4)).contains(new ParameterSets.PictureSize(640, 360));
        assertThat(HEX.formatHex(sdp.extradata(Codec.MPEG4))).isEqualTo(MPEG4_640X360);

        // the same header in band, with other user data: no change; a P-VOP has none
        assertThat(sdp.changedBy(ParameterSets.scan(
                        Codec.MPEG4, HEX.parseHex(MPEG4_640X360 + "000001b26b7672" + GOV_AND_I_VOP))))
                .isFalse();
        assertThat(ParameterSets.scan(Codec.MPEG4, HEX.parseHex("000001b650a3de10"))
                        .isEmpty())
                .isTrue();

        // a new picture size is a new video object layer
        ParameterSets smaller = ParameterSets.scan(Codec.MPEG4, HEX.parseHex(MPEG4_320X180 + GOV_AND_I_VOP));
        assertThat(sdp.changedBy(smaller)).isTrue();
        assertThat(smaller.pictureSize(Codec.MPEG4)).contains(new ParameterSets.PictureSize(320, 180));
    }

    // real parameter sets (media-core's RealParameterSets): x264 baseline 640x360, x265 Main 320x180
    private static final byte[] REAL_SPS_640X360 =
            HEX.parseHex("6742c01ed900a02ff97016a0c0c0d4a0000003002000000791e2c5c9");
    private static final byte[] REAL_SPS_265_320X180 = HEX.parseHex(
            "42010101600000030090000003000003003fa00a080b9f796566924cafff000100016a0c0c0c08000003000800000300f040");

    @Test
    void thePictureSizeComesFromTheFirstSps() {
        assertThat(ParameterSets.scan(Codec.H264, annexB(true, REAL_SPS_640X360, PPS))
                        .pictureSize(Codec.H264))
                .contains(new ParameterSets.PictureSize(640, 360));
        assertThat(ParameterSets.scan(Codec.H265, annexB(true, VPS, REAL_SPS_265_320X180, PPS_265))
                        .pictureSize(Codec.H265))
                .contains(new ParameterSets.PictureSize(320, 180));
        assertThat(ParameterSets.scan(Codec.H264, annexB(true, PPS)).pictureSize(Codec.H264))
                .isEmpty();
        assertThat(ParameterSets.scan(Codec.H264, annexB(true, HEX.parseHex("6742"), PPS))
                        .pictureSize(Codec.H264))
                .as("an SPS that does not parse: unknown")
                .isEmpty();
    }
}
