package io.kvr.media.codec.aac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.media.MalformedMediaException;
import io.kvr.media.UnsupportedMediaException;
import io.kvr.media.bitstream.BitReader;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AudioSpecificConfigReadTest {

    private static final HexFormat HEX = HexFormat.of();

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "1190, 1024", // AAC-LC 48 kHz stereo
        "1194, 960", // frameLengthFlag 1
        "2b898800, 1024", // explicit SBR over AAC-LC
        "b99000, 512", // ER AAC-LD (object type 23), 48 kHz stereo
    })
    void frameLengthComesFromTheGaSpecificConfig(String asc, int frameLength) {
        assertThat(AudioSpecificConfig.frameLength(HEX.parseHex(asc))).isEqualTo(frameLength);
    }

    @Test
    void readsAConfigThatDoesNotStartOnAByte() {
        // 3 bits of something, then 00010 0011 0010 000 (AAC-LC, 48 kHz, stereo), then 101.
        byte[] data = {(byte) 0b101_00010, 0b0011_0010, (byte) 0b000_101_00};
        BitReader r = new BitReader(data);
        r.skip(3);

        assertThat(AudioSpecificConfig.read(r)).containsExactly(0x11, 0x90);
        assertThat(r.bits(3)).isEqualTo(0b101);
    }

    @Test
    void refusesWhatItCannotMeasure() {
        assertThatThrownBy(() -> AudioSpecificConfig.frameLength(HEX.parseHex("1180")))
                .isInstanceOf(UnsupportedMediaException.class)
                .hasMessageContaining("program_config_element");
        assertThatThrownBy(() -> AudioSpecificConfig.frameLength(HEX.parseHex("f8")))
                .isInstanceOf(MalformedMediaException.class);
        assertThatThrownBy(() -> AudioSpecificConfig.frameLength(HEX.parseHex("4190")))
                .isInstanceOf(UnsupportedMediaException.class); // object type 8 (CELP)
    }
}
