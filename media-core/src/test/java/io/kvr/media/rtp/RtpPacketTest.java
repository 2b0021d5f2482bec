package io.kvr.media.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RtpPacketTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void writesAndParsesTheFixedHeader() throws RtpFormatException {
        byte[] payload = {1, 2, 3, 4, 5};
        RtpPacket packet = new RtpPacket(96, true, 65535, 0xffff_ffffL, 0x8000_0001L, payload, 0, payload.length);

        byte[] bytes = packet.toByteArray();

        assertThat(HEX.formatHex(bytes)).isEqualTo("80e0ffff" + "ffffffff" + "80000001" + "0102030405");
        RtpPacket parsed = RtpPacket.parse(bytes, 0, bytes.length);
        assertThat(parsed).isEqualTo(packet);
        assertThat(parsed.payload()).containsExactly(payload);
        assertThat(parsed.payloadOffset()).isEqualTo(RtpPacket.HEADER_LENGTH);
    }

    @Test
    void parsesInPlaceAtAnOffset() throws RtpFormatException {
        byte[] datagram = HEX.parseHex("ffff" + "80600001" + "00000002" + "00000003" + "aabb" + "ffff");

        RtpPacket packet = RtpPacket.parse(datagram, 2, 14);

        assertThat(packet.buffer()).isSameAs(datagram);
        assertThat(packet.payloadOffset()).isEqualTo(14);
        assertThat(packet.payload()).containsExactly(0xaa, 0xbb);
        assertThat(packet.sequenceNumber()).isEqualTo(1);
        assertThat(packet.timestamp()).isEqualTo(2);
        assertThat(packet.ssrc()).isEqualTo(3);
        assertThat(packet.marker()).isFalse();
        assertThat(packet.payloadType()).isEqualTo(96);
    }

    @Test
    void skipsCsrcsAndHeaderExtension() throws RtpFormatException {
        // RFC 3550 5.1, 5.3.1: CC = 2, X set, extension of 1 word after its 4-byte header
        byte[] bytes = HEX.parseHex(
                "92e01234" + "00000010" + "00000020" + "11111111" + "22222222" + "bede0001" + "deadbeef" + "c0ffee");

        RtpPacket packet = RtpPacket.parse(bytes, 0, bytes.length);

        assertThat(packet.payload()).containsExactly(0xc0, 0xff, 0xee);
        assertThat(packet.payloadOffset()).isEqualTo(12 + 8 + 8);
        assertThat(packet.sequenceNumber()).isEqualTo(0x1234);
        assertThat(packet.marker()).isTrue();
    }

    @Test
    void removesPadding() throws RtpFormatException {
        // RFC 3550 5.1: the last octet counts the padding, itself included
        byte[] bytes = HEX.parseHex("a0600001" + "00000002" + "00000003" + "aabbcc" + "000003");

        RtpPacket packet = RtpPacket.parse(bytes, 0, bytes.length);

        assertThat(packet.payload()).containsExactly(0xaa, 0xbb, 0xcc);
    }

    @Test
    void paddingMayTakeTheWholePayload() throws RtpFormatException {
        byte[] bytes = HEX.parseHex("a0600001" + "00000002" + "00000003" + "000004");
        byte[] withCount = HEX.parseHex("a0600001" + "00000002" + "00000003" + "00000004");

        assertThatThrownBy(() -> RtpPacket.parse(bytes, 0, bytes.length)).isInstanceOf(RtpFormatException.class);
        assertThat(RtpPacket.parse(withCount, 0, withCount.length).payloadLength())
                .isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "empty,",
        "shorter than the fixed header, 8060000100000002000000",
        "version 0, 0060000100000002000000030102",
        "version 1, 4060000100000002000000030102",
        "version 3, c060000100000002000000030102",
        "CSRC count beyond the packet, 8f60000100000002000000030102",
        "one CSRC cut, 816000010000000200000003aabb",
        "extension header cut, 906000010000000200000003bede",
        "extension longer than the packet, 906000010000000200000003bede0002aabbccdd",
        "padding bit without padding, a06000010000000200000003",
        "padding count 0, a0600001000000020000000301020300",
        "padding longer than the payload, a0600001000000020000000301020305",
        "padding into the CSRC, a16000010000000200000003000000ff",
    })
    void rejectsMalformedLengths(String name, String hex) {
        byte[] bytes = hex == null ? new byte[0] : HEX.parseHex(hex);

        assertThatThrownBy(() -> RtpPacket.parse(bytes, 0, bytes.length)).isInstanceOf(RtpFormatException.class);
    }

    @Test
    void rejectsARangeOutsideTheArrayAsTheCallersMistake() {
        byte[] bytes = new byte[20];

        assertThatThrownBy(() -> RtpPacket.parse(bytes, 10, Integer.MAX_VALUE))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new RtpPacket(0, false, 0, 0, 0, bytes, 10, Integer.MAX_VALUE))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void readsEveryPacketFfmpegSent() throws RtpFormatException {
        List<byte[]> datagrams = CapturedDatagrams.read("/rtp/rtcp/ffmpeg-h264.rtp");

        int expectedSequence = -1;
        for (byte[] datagram : datagrams) {
            RtpPacket packet = RtpPacket.parse(datagram, 0, datagram.length);
            assertThat(packet.payloadType()).isEqualTo(96);
            assertThat(packet.ssrc()).isEqualTo(0x6494bcd8L);
            if (expectedSequence >= 0) {
                assertThat(packet.sequenceNumber()).isEqualTo(expectedSequence);
            }
            expectedSequence = (packet.sequenceNumber() + 1) & 0xffff;
            assertThat(packet.toByteArray()).containsExactly(datagram);
        }
        assertThat(datagrams).hasSize(122);
    }
}
