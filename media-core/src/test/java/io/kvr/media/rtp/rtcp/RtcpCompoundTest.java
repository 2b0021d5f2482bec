package io.kvr.media.rtp.rtcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.media.rtp.CapturedDatagrams;
import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RtcpCompoundTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void ffmpegSenderReportsCountWhatItSent() throws RtpFormatException {
        List<byte[]> rtp = CapturedDatagrams.read("/rtp/rtcp/ffmpeg-h264.rtp");
        List<SenderReport> reports = senderReports("/rtp/rtcp/ffmpeg-sender.rtcp");

        assertThat(reports).hasSize(3);
        for (SenderReport report : reports) {
            assertThat(report.ssrc()).isEqualTo(0x6494bcd8L);
            assertThat(report.reports()).isEmpty();
            // RFC 3550 6.4.1: packets and payload octets sent before the report
            long octets = 0;
            for (int i = 0; i < report.packetCount(); i++) {
                octets += RtpPacket.parse(rtp.get(i), 0, rtp.get(i).length).payloadLength();
            }
            assertThat(report.octetCount()).isEqualTo(octets);
        }
        assertThat(reports.get(1).packetCount()).isEqualTo(58);
        assertThat(reports.get(0).ntpTime().toUnixMillis()).isEqualTo(1_796_682_756_652L); // 2026-12-07T22:32:36.652Z
        assertThat(reports.get(0).rtpTimestamp()).isEqualTo(0xabb0ef27L);
    }

    @Test
    void gstreamerSenderSendsReportAndCnameAndSaysBye() throws RtpFormatException {
        List<byte[]> datagrams = CapturedDatagrams.read("/rtp/rtcp/gstreamer-sender.rtcp");

        for (byte[] datagram : datagrams) {
            List<RtcpPacket> packets = RtcpCompound.parse(datagram, 0, datagram.length);
            assertThat(packets.get(0)).isInstanceOf(SenderReport.class);
            SourceDescription sdes = (SourceDescription) packets.get(1);
            assertThat(sdes.chunks()).singleElement().satisfies(chunk -> {
                assertThat(chunk.ssrc()).isEqualTo(0x1d366347L);
                assertThat(chunk.cname()).contains("user382188612@host-21eee7e7");
                assertThat(chunk.items()).contains(new SourceDescription.Item(6, "GStreamer")); // TOOL
            });
        }
        byte[] last = datagrams.getLast();
        assertThat(RtcpCompound.parse(last, 0, last.length).getLast()).isEqualTo(new Goodbye(List.of(0x1d366347L), ""));
    }

    @Test
    void gstreamerReceiverReportsTheLastSenderReport() throws RtpFormatException {
        List<SenderReport> sent = senderReports("/rtp/rtcp/gstreamer-sender.rtcp");
        List<byte[]> datagrams = CapturedDatagrams.read("/rtp/rtcp/gstreamer-receiver.rtcp");

        List<ReportBlock> blocks = datagrams.stream()
                .map(d -> parseUnchecked(d).get(0))
                .map(p -> ((ReceiverReport) p).reports())
                .map(List::getFirst)
                .toList();

        assertThat(blocks)
                .allSatisfy(b -> assertThat(b.ssrc()).isEqualTo(sent.get(0).ssrc()));
        assertThat(blocks.get(0).lastSenderReport()).isZero();
        assertThat(blocks.get(1).lastSenderReport())
                .isEqualTo(sent.get(0).ntpTime().middle32());
        assertThat(blocks.get(2).lastSenderReport())
                .isEqualTo(sent.get(1).ntpTime().middle32());
        // RTCP intervals are randomised around 5 s: the report waited a few seconds (DLSR in 1/65536 s)
        assertThat(blocks.get(2).delaySinceLastSenderReport()).isBetween(1L, 10L * 65536);
    }

    @Test
    void writesWhatRealSendersWroteByteForByte() {
        for (String capture : List.of(
                "/rtp/rtcp/ffmpeg-sender.rtcp",
                "/rtp/rtcp/gstreamer-sender.rtcp",
                "/rtp/rtcp/gstreamer-receiver.rtcp")) {
            for (byte[] datagram : CapturedDatagrams.read(capture)) {
                assertThat(RtcpCompound.write(parseUnchecked(datagram)))
                        .as(capture)
                        .containsExactly(datagram);
            }
        }
    }

    @Test
    void writesASenderReportWithCname() {
        ReportBlock block = new ReportBlock(0x0a0b0c0dL, 25, -2, 0x1_0005L, 300, 0xb29f52fcL, 65536);
        SenderReport report = new SenderReport(
                0x11223344L, new NtpTimestamp(0xeec1b284a6e978d4L), 0xabb0ef27L, 7, 1400, List.of(block));

        byte[] bytes = RtcpCompound.write(List.of(report, SourceDescription.cname(0x11223344L, "kvr")));

        assertThat(HEX.formatHex(bytes))
                .isEqualTo("81c8000c" + "11223344" + "eec1b284a6e978d4" + "abb0ef27" + "00000007" + "00000578"
                        + "0a0b0c0d" + "19fffffe" + "00010005" + "0000012c" + "b29f52fc" + "00010000"
                        + "81ca0003" + "11223344" + "01036b7672" + "000000");
    }

    @Test
    void writesAnEmptyReceiverReportAndAByeWithReason() throws RtpFormatException {
        byte[] bytes = RtcpCompound.write(List.of(new ReceiverReport(5, List.of()), new Goodbye(List.of(5L), "bye")));

        assertThat(HEX.formatHex(bytes)).isEqualTo("80c90001" + "00000005" + "81cb0002" + "00000005" + "03627965");
        assertThat(RtcpCompound.parse(bytes, 0, bytes.length))
                .containsExactly(new ReceiverReport(5, List.of()), new Goodbye(List.of(5L), "bye"));
    }

    @Test
    void writesAndReadsTheMostReportBlocksAPacketHolds() throws RtpFormatException {
        List<ReportBlock> blocks = LongStream.range(0, ReportBlock.MAX_PER_PACKET)
                .mapToObj(i -> new ReportBlock(i, 1, (int) -i, i, i, i, i))
                .toList();
        ReceiverReport report = new ReceiverReport(9, blocks);

        byte[] bytes = RtcpCompound.write(List.of(report));

        assertThat(bytes).hasSize(8 + 24 * 31);
        assertThat(RtcpCompound.parse(bytes, 0, bytes.length)).containsExactly(report);
        assertThatThrownBy(() -> new ReceiverReport(
                        9, Stream.concat(blocks.stream(), blocks.stream()).toList()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void skipsTypesItDoesNotRead() throws RtpFormatException {
        // RR, then APP (204) and a transport feedback NACK (205, RFC 4585), then BYE
        byte[] bytes = HEX.parseHex("80c90001" + "00000005" + "80cc0002" + "00000005" + "6e616d65" + "81cd0002"
                + "00000005" + "00000006" + "81cb0001" + "00000005");

        assertThat(RtcpCompound.parse(bytes, 0, bytes.length))
                .containsExactly(new ReceiverReport(5, List.of()), new Goodbye(List.of(5L), ""));
    }

    @Test
    void removesPaddingOfTheLastPacket() throws RtpFormatException {
        byte[] bytes = HEX.parseHex("80c90001" + "00000005" + "a1cb0002" + "00000005" + "00000004");

        assertThat(RtcpCompound.parse(bytes, 0, bytes.length)).last().isEqualTo(new Goodbye(List.of(5L), ""));
    }

    @Test
    void readsATextThatIsNotUtf8AsAscii() throws RtpFormatException {
        // a Latin-1 host name: 'é' is 0xe9, no valid UTF-8
        byte[] bytes = HEX.parseHex("81ca0003" + "00000005" + "010363e961" + "000000");

        SourceDescription sdes =
                (SourceDescription) RtcpCompound.parse(bytes, 0, bytes.length).getFirst();

        assertThat(sdes.chunks().getFirst().cname()).contains("c?a");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "empty,",
        "header cut, 80c900",
        "version 1, 40c9000100000005",
        "length beyond the datagram, 80c9000200000005",
        "trailing bytes after the last packet, 80c900010000000500",
        "report blocks beyond the length, 81c9000100000005",
        "sender report too short, 80c8000100000005",
        "padding count 0, a0c9000100000000",
        "padding longer than the packet, a0cb000100000009",
        "SDES item beyond the packet, 81ca00020000000501056b76720000",
        "SDES chunk without its null item, 81ca00020000000501026b76",
        "SDES chunk missing, 82ca0003000000050100000000000000",
        "BYE source missing, 82cb000100000005",
        "BYE reason beyond the packet, 81cb00020000000505627965",
    })
    void rejectsMalformedPackets(String name, String hex) {
        byte[] bytes = hex == null ? new byte[0] : HEX.parseHex(hex);

        assertThatThrownBy(() -> RtcpCompound.parse(bytes, 0, bytes.length)).isInstanceOf(RtpFormatException.class);
    }

    static List<SenderReport> senderReports(String resource) {
        return CapturedDatagrams.read(resource).stream()
                .map(RtcpCompoundTest::parseUnchecked)
                .map(packets -> (SenderReport) packets.getFirst())
                .toList();
    }

    private static List<RtcpPacket> parseUnchecked(byte[] datagram) {
        try {
            return RtcpCompound.parse(datagram, 0, datagram.length);
        } catch (RtpFormatException e) {
            throw new AssertionError(e);
        }
    }
}
