package io.kvr.media.codec.h265;

import static io.kvr.media.codec.RealParameterSets.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.media.MalformedMediaException;
import io.kvr.media.codec.RealParameterSets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class H265SpsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // name, SPS field, width, height, codecs, profile_idc, bit depth
        "main 1920x1080, H265_SPS_1920X1080, 1920, 1080, hvc1.1.6.L120.90, 1, 8",
        "main 320x180 conformance window, H265_SPS_320X180, 320, 180, hvc1.1.6.L63.90, 1, 8",
        "main 10 1280x720, H265_SPS_MAIN10_1280X720, 1280, 720, hvc1.2.4.L93.90, 2, 10",
    })
    void parsesRealSps(String name, String field, int width, int height, String codecs, int profile, int bitDepth)
            throws ReflectiveOperationException {
        byte[] sps = hex((String) RealParameterSets.class.getField(field).get(null));

        H265Sps parsed = H265Sps.parse(sps);

        assertThat(parsed.width()).isEqualTo(width);
        assertThat(parsed.height()).isEqualTo(height);
        assertThat(parsed.codecsString()).isEqualTo(codecs);
        assertThat(parsed.profileTierLevel().profileIdc()).isEqualTo(profile);
        assertThat(parsed.bitDepthLuma()).isEqualTo(bitDepth);
        assertThat(parsed.bitDepthChroma()).isEqualTo(bitDepth);
        assertThat(parsed.chromaFormatIdc()).isEqualTo(1);
        assertThat(parsed.maxSubLayersMinus1()).isZero();
        assertThat(parsed.temporalIdNesting()).isTrue();
    }

    @ParameterizedTest(name = "{6}")
    @CsvSource({
        // profile space, tier, profile, compatibility flags (flag[0] = MSB), constraint bytes, level, expected
        "0, false, 1, 0x60000000, 0x900000000000, 93, hvc1.1.6.L93.90",
        "0, true, 2, 0x20000000, 0xB00000000000, 120, hvc1.2.4.H120.B0",
        "1, true, 4, 0x00000001, 0x900000000000, 186, hvc1.A4.80000000.H186.90",
        "0, false, 1, 0x60000000, 0x000000000000, 90, hvc1.1.6.L90",
        "0, false, 1, 0x60000000, 0x0000000000FF, 90, hvc1.1.6.L90.0.0.0.0.0.FF",
    })
    void codecsStringFollowsIso14496_15AnnexE(
            int space,
            boolean tier,
            int profile,
            String compatibility,
            String constraints,
            int level,
            String expected) {
        ProfileTierLevel ptl = new ProfileTierLevel(
                space,
                tier,
                profile,
                Integer.parseUnsignedInt(compatibility.substring(2), 16),
                Long.parseLong(constraints.substring(2), 16),
                level);

        assertThat(ptl.codecsString("hvc1")).isEqualTo(expected);
    }

    @Test
    void rejectsTruncatedSps() {
        byte[] sps = hex(RealParameterSets.H265_SPS_1920X1080);

        assertThatThrownBy(() -> H265Sps.parse(Arrays.copyOf(sps, 15))).isInstanceOf(MalformedMediaException.class);
    }
}
