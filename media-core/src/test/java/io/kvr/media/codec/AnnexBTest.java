package io.kvr.media.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.media.MalformedMediaException;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnnexBTest {

    private static final HexFormat HEX = HexFormat.of();

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // name, Annex B access unit, NAL units expected, joined by '|'
        "4-byte start codes, 00000001 0910 00000001 6742 00000001 68ce 00000001 658880, 0910|6742|68ce|658880",
        "3-byte start codes, 000001 6742 000001 68ce 000001 658880, 6742|68ce|658880",
        "mixed with trailing zeros, 00000001 6742 0000 000001 68ce 00000001 65888000 00, 6742|68ce|658880",
        "leading zero_byte, 0000000001 6588, 6588",
        "single NAL without a following start code, 000001 4101ff, 4101ff",
    })
    void splitsAnnexB(String name, String annexB, String expected) {
        byte[] unit = HEX.parseHex(annexB.replace(" ", ""));

        assertThat(AnnexB.isAnnexB(unit)).isTrue();
        assertThat(AnnexB.split(unit))
                .extracting(n -> HEX.formatHex(n.toByteArray()))
                .containsExactly(expected.split("\\|"));
    }

    @Test
    void convertsAnnexBToLengthPrefixedDroppingH264Delimiters() {
        byte[] unit = HEX.parseHex("00000001" + "0910" + "00000001" + "6742" + "000001" + "658880");

        assertThat(HEX.formatHex(AnnexB.toLengthPrefixed(VideoCodec.H264, unit)))
                .isEqualTo("00000002" + "6742" + "00000003" + "658880");
    }

    @Test
    void convertsAnnexBToLengthPrefixedDroppingH265Delimiters() {
        // AUD_NUT 35 -> header 0x46 0x01; an IDR_W_RADL (19) slice header 0x26 0x01
        byte[] unit = HEX.parseHex("00000001" + "460150" + "00000001" + "2601af");

        assertThat(HEX.formatHex(AnnexB.toLengthPrefixed(VideoCodec.H265, unit)))
                .isEqualTo("00000003" + "2601af");
    }

    @Test
    void acceptsInputThatIsAlreadyLengthPrefixed() {
        byte[] unit = HEX.parseHex("00000002" + "0910" + "00000003" + "658880");

        assertThat(AnnexB.isAnnexB(unit)).isFalse();
        assertThat(AnnexB.split(unit))
                .extracting(n -> HEX.formatHex(n.toByteArray()))
                .containsExactly("0910", "658880");
        assertThat(HEX.formatHex(AnnexB.toLengthPrefixed(VideoCodec.H264, unit)))
                .isEqualTo("00000003658880");
    }

    @Test
    void lengthPrefixOf256To511BytesIsNotMistakenForAStartCode() {
        // the first NAL unit is 300 bytes long: its prefix 00 00 01 2c looks like a 3-byte start code
        byte[] unit = new byte[4 + 300];
        unit[2] = 0x01;
        unit[3] = 0x2c;
        unit[4] = 0x65;
        for (int i = 5; i < unit.length; i++) {
            unit[i] = (byte) 0x88;
        }

        assertThat(AnnexB.startsWithStartCode(unit)).isTrue();
        assertThat(AnnexB.isAnnexB(unit)).isFalse();
        assertThat(AnnexB.split(unit))
                .singleElement()
                .satisfies(n -> assertThat(n.length()).isEqualTo(300));
    }

    @Test
    void rejectsLengthPrefixRunningPastTheEnd() {
        byte[] unit = HEX.parseHex("00000009" + "658880");

        assertThatThrownBy(() -> AnnexB.split(unit))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessageContaining("runs past");
    }

    @Test
    void nalIndexDropsParameterSetsWhenAskedAndWritesArraysAndStreamsAlike() throws Exception {
        byte[] first = HEX.parseHex(
                "00000001" + "40010c" + "00000001" + "420101" + "00000001" + "4401c1" + "00000001" + "2601af");
        byte[] second = HEX.parseHex("000001" + "0201d0" + "000001" + "0201d1");
        NalIndex index = new NalIndex(VideoCodec.H265, true);

        int a = index.add(first);
        int b = index.add(second);

        assertThat(index.unitCount()).isEqualTo(2);
        assertThat(index.nalUnitCount(a)).isEqualTo(1);
        assertThat(index.nalUnitCount(b)).isEqualTo(2);
        assertThat(index.lengthPrefixedSize(a)).isEqualTo(7);
        assertThat(index.lengthPrefixedSize(b)).isEqualTo(14);
        byte[] target = new byte[2 + 14];
        assertThat(index.writeLengthPrefixed(b, target, 2)).isEqualTo(14);
        assertThat(HEX.formatHex(target)).isEqualTo("0000" + "00000003" + "0201d0" + "00000003" + "0201d1");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        index.writeLengthPrefixed(b, out);
        assertThat(out.toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(target, 2, target.length));

        index.clear();
        assertThat(index.unitCount()).isZero();
        assertThat(index.nalUnitCount(index.add(first))).isEqualTo(1);
    }

    @Test
    void nalIndexKeepsParameterSetsByDefault() {
        NalIndex index = new NalIndex(VideoCodec.H264, false);
        int unit = index.add(
                HEX.parseHex("00000001" + "0910" + "00000001" + "6742" + "00000001" + "68ce" + "00000001" + "6588"));

        assertThat(index.nalUnitCount(unit)).isEqualTo(3);
        assertThat(index.nalUnit(unit, 0).type(VideoCodec.H264)).isEqualTo(7);
    }

    @Test
    void nalIndexGrowsPastItsInitialCapacity() {
        NalIndex index = new NalIndex(VideoCodec.H264, false);
        byte[] unit = HEX.parseHex("000001" + "4101" + "000001" + "4102" + "000001" + "4103");

        for (int i = 0; i < 100; i++) {
            assertThat(index.add(unit)).isEqualTo(i);
        }

        assertThat(index.nalUnitCount(99)).isEqualTo(3);
        assertThat(HEX.formatHex(index.nalUnit(99, 2).toByteArray())).isEqualTo("4103");
    }
}
