package io.kvr.media.codec.aac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.media.MalformedMediaException;
import io.kvr.media.UnsupportedMediaException;
import io.kvr.media.codec.AudioFormat;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AacConfigurationTest {

    private static final HexFormat HEX = HexFormat.of();

    /** AAC LC, 44.1 kHz, stereo, protection_absent, aac_frame_length 100, buffer fullness 0x7FF, one block. */
    private static final String ADTS_LC_44100_STEREO = "fff150800c9ffc";

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // AudioSpecificConfig, audioObjectType, sampling frequency, channelConfiguration, codecs
        "1210, 2, 44100, 2, mp4a.40.2",
        "1190, 2, 48000, 2, mp4a.40.2",
        "1408, 2, 16000, 1, mp4a.40.2",
        "2b898800, 5, 22050, 1, mp4a.40.5",
        "1588, 2, 8000, 1, mp4a.40.2",
    })
    void parsesAudioSpecificConfig(String asc, int objectType, int frequency, int channels, String codecs) {
        byte[] bytes = HEX.parseHex(asc);

        AudioSpecificConfig config = AudioSpecificConfig.parse(bytes);
        AudioFormat format = AudioFormat.fromAudioSpecificConfig(bytes);

        assertThat(config).isEqualTo(new AudioSpecificConfig(objectType, frequency, channels));
        assertThat(format.sampleRate()).isEqualTo(frequency);
        assertThat(format.channels()).isEqualTo(channels);
        assertThat(format.codecsString()).isEqualTo(codecs);
        assertThat(format.audioSpecificConfig()).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "{0} Hz")
    @CsvSource({
        "2, 44100, 2, 1210",
        "2, 48000, 1, 1188",
        // no samplingFrequencyIndex: escape 0xF and 24 bits
        "2, 50000, 1, 178061a808",
        // audioObjectType 42 (USAC): escape 31 and 6 bits of 42 - 32
        "42, 48000, 2, f94640",
    })
    void writesAudioSpecificConfigThatParsesBack(int objectType, int frequency, int channels, String expected) {
        AudioSpecificConfig config = new AudioSpecificConfig(objectType, frequency, channels);

        byte[] bytes = config.toBytes();

        assertThat(HEX.formatHex(bytes)).isEqualTo(expected);
        assertThat(AudioSpecificConfig.parse(bytes)).isEqualTo(config);
    }

    @Test
    void parsesAdtsHeader() {
        byte[] frame = new byte[100];
        System.arraycopy(HEX.parseHex(ADTS_LC_44100_STEREO), 0, frame, 0, 7);
        frame[7] = 0x21;

        AdtsHeader header = AdtsHeader.parse(frame, 0);

        assertThat(header).isEqualTo(new AdtsHeader(2, 4, 2, true, 100, 1));
        assertThat(header.headerLength()).isEqualTo(7);
        assertThat(header.payloadLength()).isEqualTo(93);
        assertThat(header.sampleRate()).isEqualTo(44100);
        assertThat(HEX.formatHex(header.audioSpecificConfig())).isEqualTo("1210");
        assertThat(AudioFormat.fromAdts(header)).isEqualTo(AudioFormat.fromAudioSpecificConfig(HEX.parseHex("1210")));
        byte[] raw = AdtsHeader.rawFrame(frame, 0);
        assertThat(raw).hasSize(93);
        assertThat(raw[0]).isEqualTo((byte) 0x21);
    }

    @Test
    void adtsWithCrcHasANineByteHeader() {
        byte[] frame = new byte[50];
        // protection_absent 0, frame length 50: b3 = 0x80, b4 = 50 >> 3 = 6, b5 = (50 & 7) << 5 | 0x1f = 0x5f
        System.arraycopy(HEX.parseHex("fff05080065ffc"), 0, frame, 0, 7);

        AdtsHeader header = AdtsHeader.parse(frame, 0);

        assertThat(header.protectionAbsent()).isFalse();
        assertThat(header.headerLength()).isEqualTo(9);
        assertThat(AdtsHeader.rawFrame(frame, 0)).hasSize(41);
    }

    @Test
    void findsTheSecondFrameOfAPacketByFrameLength() {
        byte[] packet = new byte[200];
        System.arraycopy(HEX.parseHex(ADTS_LC_44100_STEREO), 0, packet, 0, 7);
        System.arraycopy(HEX.parseHex(ADTS_LC_44100_STEREO), 0, packet, 100, 7);

        AdtsHeader first = AdtsHeader.parse(packet, 0);

        assertThat(AdtsHeader.hasSyncword(packet, first.frameLength())).isTrue();
        assertThat(AdtsHeader.parse(packet, first.frameLength()).frameLength()).isEqualTo(100);
    }

    @Test
    void rejectsBadAdts() {
        byte[] truncated = HEX.parseHex(ADTS_LC_44100_STEREO + "00");
        assertThatThrownBy(() -> AdtsHeader.parse(truncated, 0))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessageContaining("aac_frame_length");
        assertThatThrownBy(() -> AdtsHeader.parse(HEX.parseHex("1210"), 0))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessageContaining("syncword");
        byte[] twoBlocks = new byte[100];
        System.arraycopy(HEX.parseHex("fff150800c9ffd"), 0, twoBlocks, 0, 7);
        assertThat(AdtsHeader.parse(twoBlocks, 0).rawDataBlocks()).isEqualTo(2);
        assertThatThrownBy(() -> AdtsHeader.rawFrame(twoBlocks, 0)).isInstanceOf(UnsupportedMediaException.class);
    }

    @ParameterizedTest
    @CsvSource({"96000,1,1008", "48000,2,1190", "44100,2,1210", "8000,1,1588", "7350,6,1630"})
    void lowComplexityConfigsReadBackAsWritten(int rate, int channels, String hex) {
        byte[] config = AudioSpecificConfig.lowComplexity(rate, channels);
        assertThat(HEX.formatHex(config)).isEqualTo(hex);
        assertThat(AudioSpecificConfig.parse(config)).isEqualTo(new AudioSpecificConfig(2, rate, channels));
        assertThatThrownBy(() -> AudioSpecificConfig.lowComplexity(rate + 1, channels))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AudioSpecificConfig.lowComplexity(rate, 8))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
