package io.kvr.media.rtp.rtcp;

import java.util.List;

/**
 * An RTCP sender report (RFC 3550 6.4.1, packet type 200): the sender's wall clock and RTP clock at one instant,
 * what it has sent, and its reception reports. Profile-specific extensions are skipped when read.
 *
 * @param ntpTime the sender's wall clock; all zero from a sender without one
 * @param rtpTimestamp the same instant in the stream's RTP timestamp units, 0..2^32-1
 * @param packetCount RTP packets sent since the start (modulo 2^32)
 * @param octetCount RTP payload octets sent since the start (modulo 2^32)
 * @param reports at most {@value ReportBlock#MAX_PER_PACKET}
 */
public record SenderReport(
        long ssrc,
        NtpTimestamp ntpTime,
        long rtpTimestamp,
        long packetCount,
        long octetCount,
        List<ReportBlock> reports)
        implements RtcpPacket {

    public static final int PACKET_TYPE = 200;

    public SenderReport {
        RtcpPacket.checkU32("SSRC", ssrc);
        RtcpPacket.checkU32("RTP timestamp", rtpTimestamp);
        RtcpPacket.checkU32("packet count", packetCount);
        RtcpPacket.checkU32("octet count", octetCount);
        reports = List.copyOf(reports);
        if (reports.size() > ReportBlock.MAX_PER_PACKET) {
            throw new IllegalArgumentException(reports.size() + " report blocks in one packet");
        }
    }

    @Override
    public int size() {
        return 28 + ReportBlock.SIZE * reports.size();
    }

    @Override
    public void write(byte[] out, int offset) {
        RtcpPacket.writeHeader(out, offset, reports.size(), PACKET_TYPE, size());
        RtcpPacket.putU32(out, offset + 4, ssrc);
        RtcpPacket.putU32(out, offset + 8, ntpTime.bits() >>> 32);
        RtcpPacket.putU32(out, offset + 12, ntpTime.bits());
        RtcpPacket.putU32(out, offset + 16, rtpTimestamp);
        RtcpPacket.putU32(out, offset + 20, packetCount);
        RtcpPacket.putU32(out, offset + 24, octetCount);
        for (int i = 0; i < reports.size(); i++) {
            reports.get(i).write(out, offset + 28 + ReportBlock.SIZE * i);
        }
    }
}
