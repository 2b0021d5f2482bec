package io.kvr.media.bitstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.media.MalformedMediaException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BitReaderTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        // escaped NAL bytes, RBSP (H.264 7.4.1: 0x000003 becomes 0x0000)
        "000003, 0000",
        "00000301, 000001",
        "0000030000030000, 000000000000",
        "000003030000, 0000030000",
        "11000300, 11000300",
        "0003, 0003",
    })
    void removesEmulationPreventionBytes(String escaped, String rbsp) {
        HexFormat hex = HexFormat.of();
        byte[] nal = hex.parseHex(escaped);

        assertThat(hex.formatHex(BitReader.unescapeRbsp(nal, 0, nal.length))).isEqualTo(rbsp);
    }

    @Test
    void readsExpGolombCodes() {
        // 1 | 010 | 011 | 00100 | 00101 | 00111 -> ue 0, 1, 2, 3, 4, 6
        // bits: 1010 0110 0100 0010 1001 11(00) -> a6 42 9c
        BitReader r = new BitReader(new byte[] {(byte) 0xa6, 0x42, (byte) 0x9c});

        assertThat(new int[] {r.ue(), r.ue(), r.ue(), r.ue(), r.ue(), r.ue()}).containsExactly(0, 1, 2, 3, 4, 6);
        assertThat(r.remaining()).isEqualTo(2);
    }

    @Test
    void readsSignedExpGolombCodes() {
        // se: codeNum 1 -> 1, 2 -> -1, 3 -> 2, 4 -> -2 ; bits 010 011 00100 00101 -> 0100 1100 1000 0101 = 4c 85
        BitReader r = new BitReader(new byte[] {0x4c, (byte) 0x85});

        assertThat(new int[] {r.se(), r.se(), r.se(), r.se()}).containsExactly(1, -1, 2, -2);
    }

    @Test
    void readsFixedWidthFields() {
        BitReader r = new BitReader(new byte[] {(byte) 0xf0, 0x0f, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});

        assertThat(r.bits(4)).isEqualTo(0xf);
        assertThat(r.bits(8)).isEqualTo(0x00);
        assertThat(r.flag()).isTrue();
        assertThat(r.longBits(35)).isEqualTo((1L << 35) - 1);
    }

    @Test
    void failsPastTheEnd() {
        BitReader r = new BitReader(new byte[] {0x00});

        assertThatThrownBy(r::ue).isInstanceOf(MalformedMediaException.class).hasMessageContaining("truncated");
    }
}
