package io.kvr.media.codec.h264;

import static io.kvr.media.codec.RealParameterSets.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.media.MalformedMediaException;
import io.kvr.media.codec.RealParameterSets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class H264SpsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // name, SPS field of RealParameterSets, width, height, codecs, profile_idc, chroma_format_idc, frame_mbs_only
        "baseline 640x360 cropped, H264_BASELINE_640X360, 640, 360, avc1.42c01e, 66, 1, true",
        "high 1920x1080 cropped, H264_HIGH_1920X1080, 1920, 1080, avc1.640028, 100, 1, true",
        "high interlaced 1920x1080, H264_HIGH_INTERLACED_1920X1080, 1920, 1080, avc1.640028, 100, 1, false",
        "high 4:2:2 854x480, H264_HIGH422_854X480, 854, 480, avc1.7a001f, 122, 2, true",
        "high 4:4:4 with scaling lists, H264_HIGH444_SCALING_1280X720, 1280, 720, avc1.f4001f, 244, 3, true",
    })
    void parsesRealSps(
            String name,
            String field,
            int width,
            int height,
            String codecs,
            int profile,
            int chroma,
            boolean frameMbsOnly)
            throws ReflectiveOperationException {
        byte[] sps = hex((String) RealParameterSets.class.getField(field).get(null));

        H264Sps parsed = H264Sps.parse(sps);

        assertThat(parsed.width()).isEqualTo(width);
        assertThat(parsed.height()).isEqualTo(height);
        assertThat(parsed.codecsString()).isEqualTo(codecs);
        assertThat(parsed.profileIdc()).isEqualTo(profile);
        assertThat(parsed.chromaFormatIdc()).isEqualTo(chroma);
        assertThat(parsed.frameMbsOnly()).isEqualTo(frameMbsOnly);
        assertThat(parsed.bitDepthLuma()).isEqualTo(8);
    }

    @Test
    void parsesSpsInsideALargerArray() {
        byte[] sps = hex(RealParameterSets.H264_HIGH_1920X1080);
        byte[] padded = new byte[sps.length + 10];
        System.arraycopy(sps, 0, padded, 5, sps.length);

        assertThat(H264Sps.parse(padded, 5, sps.length)).isEqualTo(H264Sps.parse(sps));
    }

    @Test
    void rejectsTruncatedSps() {
        byte[] sps = hex(RealParameterSets.H264_HIGH_1920X1080);

        assertThatThrownBy(() -> H264Sps.parse(Arrays.copyOf(sps, 6))).isInstanceOf(MalformedMediaException.class);
    }

    @Test
    void rejectsOtherNalUnitTypes() {
        assertThatThrownBy(() -> H264Sps.parse(hex(RealParameterSets.H264_HIGH_PPS + "0000")))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessageContaining("not an H.264 SPS");
    }
}
