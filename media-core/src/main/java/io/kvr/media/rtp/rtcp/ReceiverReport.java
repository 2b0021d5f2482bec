package io.kvr.media.rtp.rtcp;

import java.util.List;

/**
 * An RTCP receiver report (RFC 3550 6.4.2, packet type 201): what a participant that does not send received.
 * Profile-specific extensions are skipped when read.
 *
 * @param ssrc the reporting receiver
 * @param reports at most {@value ReportBlock#MAX_PER_PACKET}; none is valid (RFC 3550 6.4.2)
 */
public record ReceiverReport(long ssrc, List<ReportBlock> reports) implements RtcpPacket {

    public static final int PACKET_TYPE = 201;

    public ReceiverReport {
        RtcpPacket.checkU32("SSRC", ssrc);
        reports = List.copyOf(reports);
        if (reports.size() > ReportBlock.MAX_PER_PACKET) {
            throw new IllegalArgumentException(reports.size() + " report blocks in one packet");
        }
    }

    @Override
    public int size() {
        return 8 + ReportBlock.SIZE * reports.size();
    }

    @Override
    public void write(byte[] out, int offset) {
        RtcpPacket.writeHeader(out, offset, reports.size(), PACKET_TYPE, size());
        RtcpPacket.putU32(out, offset + 4, ssrc);
        for (int i = 0; i < reports.size(); i++) {
            reports.get(i).write(out, offset + 8 + ReportBlock.SIZE * i);
        }
    }
}
