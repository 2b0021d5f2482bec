package io.kvr.media.rtp.rtcp;

/**
 * Gives an RTP timestamp of one stream the sender's wall-clock time, from the NTP ↔ RTP pair of its last sender
 * report (RFC 3550 6.4.1): the capture time of a unit. A unit may come before or after the report, and the 32-bit
 * timestamp may wrap between them: the difference is taken modulo 2^32 as the nearest (±2^31 ticks, ±6.6 h at
 * 90 kHz). Not thread-safe.
 */
public final class SenderClock {

    private final int clockRate;
    private boolean synchronised;
    private long reportMicros;
    private long reportTimestamp;

    /** @param clockRate the stream's RTP clock rate in Hz */
    public SenderClock(int clockRate) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate " + clockRate);
        }
        this.clockRate = clockRate;
    }

    /**
     * Takes the mapping of a sender report of this stream. A report with an NTP timestamp of zero is ignored:
     * RFC 3550 6.4.1 lets a sender without a wall clock send that.
     */
    public void update(SenderReport report) {
        if (report.ntpTime().bits() == 0) {
            return;
        }
        synchronised = true;
        reportMicros = report.ntpTime().toUnixMicros();
        reportTimestamp = report.rtpTimestamp();
    }

    /** Whether a sender report has given a mapping yet. */
    public boolean synchronised() {
        return synchronised;
    }

    /**
     * The sender's wall-clock time of {@code rtpTimestamp}, in milliseconds since 1970-01-01 UTC.
     *
     * @throws IllegalStateException before the first sender report
     */
    public long unixMillis(long rtpTimestamp) {
        if (!synchronised) {
            throw new IllegalStateException("no sender report yet");
        }
        if (rtpTimestamp < 0 || rtpTimestamp > 0xffff_ffffL) {
            throw new IllegalArgumentException("RTP timestamp " + rtpTimestamp);
        }
        long ticks = (int) (rtpTimestamp - reportTimestamp);
        return Math.floorDiv(reportMicros + Math.floorDiv(ticks * 1_000_000, clockRate), 1000);
    }
}
