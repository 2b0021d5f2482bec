package io.kvr.media.codec.mpeg4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.media.MalformedMediaException;
import io.kvr.media.codec.Mpeg4VisualFormat;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** MPEG-4 Part 2 configuration headers and VOPs as avenc_mpeg4 (FFmpeg's encoder) writes them. */
class Mpeg4VisualFormatTest {

    private static final HexFormat HEX = HexFormat.of();
    /** VOS (Simple Profile level 1), VO, VOL of 640x360 at 25/1, user data "Lavc59.37.100". */
    static final String CONFIG_640X360 =
            "000001b001000001b58913000001000000012000c48d8ffffd14042d1463" + "000001b24c61766335392e33372e313030";
    /** group_of_vop header that precedes the first VOP of the clip. */
    private static final String GOV = "000001b3001007";

    private static final String I_VOP = "000001b610000c16";
    private static final String P_VOP = "000001b650a3de10";

    @Test
    void configurationIsTheHeaderBeforeTheFirstGroupOfVopsOrVop() {
        byte[] keyframe = HEX.parseHex(CONFIG_640X360 + GOV + I_VOP);
        assertThat(HEX.formatHex(VisualStartCodes.configuration(keyframe).orElseThrow()))
                .isEqualTo(CONFIG_640X360);
        assertThat(HEX.formatHex(VisualStartCodes.configuration(HEX.parseHex(CONFIG_640X360 + I_VOP))
                        .orElseThrow()))
                .isEqualTo(CONFIG_640X360);
        assertThat(VisualStartCodes.configuration(HEX.parseHex(I_VOP)))
                .as("a VOP alone")
                .isEmpty();
        assertThat(VisualStartCodes.configuration(HEX.parseHex("000001b00100000001b58913" + I_VOP)))
                .as("no video object layer")
                .isEmpty();
    }

    @Test
    void formatFromExtradataParsesTheVideoObjectLayer() {
        Mpeg4VisualFormat format = Mpeg4VisualFormat.fromExtradata(HEX.parseHex(CONFIG_640X360));
        assertThat(format.width()).isEqualTo(640);
        assertThat(format.height()).isEqualTo(360);
        assertThat(format.profileAndLevel()).isEqualTo(1);
        assertThat(format.decoderSpecificInfo()).isEqualTo(HEX.parseHex(CONFIG_640X360));
        assertThat(VideoObjectLayer.parse(HEX.parseHex(CONFIG_640X360)).videoObjectTypeIndication())
                .as("Simple Object")
                .isEqualTo(1);
    }

    @Test
    void formatFromAKeyframeEqualsTheSdpOne() {
        Mpeg4VisualFormat inBand = Mpeg4VisualFormat.fromAccessUnit(HEX.parseHex(CONFIG_640X360 + GOV + I_VOP))
                .orElseThrow();
        assertThat(inBand).isEqualTo(Mpeg4VisualFormat.fromExtradata(HEX.parseHex(CONFIG_640X360)));
        assertThat(Mpeg4VisualFormat.fromAccessUnit(HEX.parseHex(P_VOP))).isEmpty();
    }

    @Test
    void codecsStringIsTheDecimalProfileAndLevel() {
        assertThat(Mpeg4VisualFormat.fromExtradata(HEX.parseHex(CONFIG_640X360)).codecsString())
                .isEqualTo("mp4v.20.1");
        // Advanced Simple Profile level 0 (0xf0), RFC 6381 3.3: decimal
        assertThat(new Mpeg4VisualFormat(640, 360, 0xf0, new byte[] {1}).codecsString())
                .isEqualTo("mp4v.20.240");
        // a VOL without the VOS header (no profile_and_level_indication)
        String volOnly = CONFIG_640X360.substring(CONFIG_640X360.indexOf("00000120"));
        Mpeg4VisualFormat format = Mpeg4VisualFormat.fromExtradata(HEX.parseHex(volOnly));
        assertThat(format.profileAndLevel()).isEqualTo(-1);
        assertThat(format.codecsString()).isEqualTo("mp4v.20.9");
        assertThat(format.width()).isEqualTo(640);
    }

    @Test
    void intraVopsAreKeyframes() {
        assertThat(VisualStartCodes.isIntraVop(HEX.parseHex(CONFIG_640X360 + GOV + I_VOP)))
                .isTrue();
        assertThat(VisualStartCodes.isIntraVop(HEX.parseHex(I_VOP))).isTrue();
        assertThat(VisualStartCodes.isIntraVop(HEX.parseHex(P_VOP))).isFalse();
        assertThat(VisualStartCodes.isIntraVop(HEX.parseHex("000001b690")))
                .as("B-VOP")
                .isFalse();
        assertThat(VisualStartCodes.isIntraVop(HEX.parseHex(CONFIG_640X360)))
                .as("no VOP")
                .isFalse();
        assertThat(VisualStartCodes.isIntraVop(new byte[0])).isFalse();
    }

    @Test
    void malformedHeadersAreRejected() {
        assertThatThrownBy(() -> Mpeg4VisualFormat.fromExtradata(HEX.parseHex("000001b001")))
                .isInstanceOf(MalformedMediaException.class);
        // truncated inside the video object layer
        assertThatThrownBy(() -> Mpeg4VisualFormat.fromExtradata(HEX.parseHex("00000120 00c48d".replace(" ", ""))))
                .isInstanceOf(MalformedMediaException.class);
    }
}
