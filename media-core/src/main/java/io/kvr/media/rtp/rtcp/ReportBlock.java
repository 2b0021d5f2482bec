package io.kvr.media.rtp.rtcp;

/**
 * One reception report block of a sender or receiver report (RFC 3550 6.4.1): what a receiver saw of one source.
 *
 * @param ssrc the source reported on
 * @param fractionLost packets lost since the previous report, as a fraction of those expected, in 1/256 (0..255)
 * @param cumulativeLost packets lost since reception began, a signed 24-bit value (duplicates can make it negative)
 * @param extendedHighestSequence highest sequence number received, with the count of wraps in the high 16 bits
 * @param jitter interarrival jitter in timestamp units (RFC 3550 6.4.1, A.8)
 * @param lastSenderReport middle 32 bits of the NTP timestamp of the last sender report received, 0 if none
 * @param delaySinceLastSenderReport time since that report arrived, in 1/65536 s, 0 if none
 */
public record ReportBlock(
        long ssrc,
        int fractionLost,
        int cumulativeLost,
        long extendedHighestSequence,
        long jitter,
        long lastSenderReport,
        long delaySinceLastSenderReport) {

    /** Bytes of a report block. */
    public static final int SIZE = 24;

    /** Most report blocks one packet carries (5-bit count). */
    public static final int MAX_PER_PACKET = 31;

    public ReportBlock {
        RtcpPacket.checkU32("SSRC", ssrc);
        if (fractionLost < 0 || fractionLost > 255) {
            throw new IllegalArgumentException("fraction lost " + fractionLost);
        }
        if (cumulativeLost < -(1 << 23) || cumulativeLost >= 1 << 23) {
            throw new IllegalArgumentException("cumulative lost " + cumulativeLost + " is not 24-bit signed");
        }
        RtcpPacket.checkU32("extended highest sequence number", extendedHighestSequence);
        RtcpPacket.checkU32("jitter", jitter);
        RtcpPacket.checkU32("LSR", lastSenderReport);
        RtcpPacket.checkU32("DLSR", delaySinceLastSenderReport);
    }

    static ReportBlock read(byte[] in, int offset) {
        // sign-extends the 24-bit count
        int cumulativeLost = (in[offset + 5] << 16) | (in[offset + 6] & 0xff) << 8 | (in[offset + 7] & 0xff);
        return new ReportBlock(
                RtcpPacket.u32(in, offset),
                in[offset + 4] & 0xff,
                cumulativeLost,
                RtcpPacket.u32(in, offset + 8),
                RtcpPacket.u32(in, offset + 12),
                RtcpPacket.u32(in, offset + 16),
                RtcpPacket.u32(in, offset + 20));
    }

    void write(byte[] out, int offset) {
        RtcpPacket.putU32(out, offset, ssrc);
        RtcpPacket.putU32(out, offset + 4, (long) fractionLost << 24 | (cumulativeLost & 0xff_ffff));
        RtcpPacket.putU32(out, offset + 8, extendedHighestSequence);
        RtcpPacket.putU32(out, offset + 12, jitter);
        RtcpPacket.putU32(out, offset + 16, lastSenderReport);
        RtcpPacket.putU32(out, offset + 20, delaySinceLastSenderReport);
    }
}
