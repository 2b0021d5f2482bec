package io.kvr.media.rtp.rtcp;

/**
 * What a receiver saw of one source (one SSRC), kept as RFC 3550 appendix A does, to fill the report block of a
 * receiver report: highest extended sequence number and cumulative loss (A.1, A.3), fraction lost per report
 * interval (A.3), interarrival jitter (6.4.1, A.8), and LSR/DLSR from the last sender report (6.4.1). Packets are
 * counted as they arrive, before reordering. Not thread-safe. Arrival times are a monotonic clock in nanoseconds
 * ({@link System#nanoTime()}).
 */
public final class ReceptionStatistics {

    /** RFC 3550 A.1: a forward jump up to this many is loss, beyond it a restart (once confirmed). */
    private static final int MAX_DROPOUT = 3000;

    /** RFC 3550 A.1: a packet up to this many behind is late or duplicate, further behind a restart. */
    private static final int MAX_MISORDER = 100;

    private static final int SEQUENCE_MODULUS = 1 << 16;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long ssrc;
    private final int clockRate;

    private boolean started;
    private int maxSequence;
    private long cycles;
    private long baseSequence;
    private int badSequence = SEQUENCE_MODULUS + 1;
    private long received;
    private long expectedPrior;
    private long receivedPrior;

    private boolean transitKnown;
    private long firstArrivalNanos;
    private int transit;
    /** Jitter in timestamp units times 16, as RFC 3550 A.8 keeps it to avoid rounding. */
    private long scaledJitter;

    private long lastSenderReport;
    private long lastSenderReportArrivalNanos;
    private boolean senderReportSeen;

    /**
     * @param ssrc the source reported on
     * @param clockRate its RTP clock rate in Hz (90000 for video), for the jitter
     */
    public ReceptionStatistics(long ssrc, int clockRate) {
        RtcpPacket.checkU32("SSRC", ssrc);
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate " + clockRate);
        }
        this.ssrc = ssrc;
        this.clockRate = clockRate;
    }

    /** Counts a packet of this source as it arrives. */
    public void received(int sequenceNumber, long rtpTimestamp, long arrivalNanos) {
        if (!started) {
            started = true;
            firstArrivalNanos = arrivalNanos;
            restartSequence(sequenceNumber);
        } else if (!updateSequence(sequenceNumber)) {
            return;
        }
        received++;
        updateJitter(rtpTimestamp, arrivalNanos);
    }

    /** Notes a sender report of this source, for the LSR and DLSR of the next report block. */
    public void senderReport(SenderReport report, long arrivalNanos) {
        lastSenderReport = report.ntpTime().middle32();
        lastSenderReportArrivalNanos = arrivalNanos;
        senderReportSeen = true;
    }

    /**
     * The report block for a receiver report sent at {@code nowNanos}; starts a new interval for the fraction
     * lost (RFC 3550 A.3), so call it once per report sent.
     */
    public ReportBlock reportBlock(long nowNanos) {
        long expected = extendedHighestSequence() - baseSequence + 1;
        long lost = started ? expected - received : 0;
        // RFC 3550 6.4.1: a signed 24-bit field, clamped
        int cumulativeLost = (int) Math.max(-(1 << 23), Math.min((1 << 23) - 1, lost));
        long expectedInterval = expected - expectedPrior;
        expectedPrior = expected;
        long receivedInterval = received - receivedPrior;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        int fraction = expectedInterval == 0 || lostInterval <= 0 ? 0 : (int) ((lostInterval << 8) / expectedInterval);
        long delay = 0;
        if (senderReportSeen) {
            // DLSR in 1/65536 s (RFC 3550 6.4.1)
            long nanos = Math.max(0, nowNanos - lastSenderReportArrivalNanos);
            delay = Math.min(
                    0xffff_ffffL,
                    (nanos / NANOS_PER_SECOND << 16) + (nanos % NANOS_PER_SECOND << 16) / NANOS_PER_SECOND);
        }
        return new ReportBlock(
                ssrc,
                Math.min(fraction, 255),
                cumulativeLost,
                extendedHighestSequence() & 0xffff_ffffL,
                scaledJitter >> 4 & 0xffff_ffffL,
                senderReportSeen ? lastSenderReport : 0,
                delay);
    }

    /** Packets received and counted (duplicates included, as RFC 3550 A.3 does). */
    public long received() {
        return received;
    }

    /** The highest sequence number received, extended with the count of wraps (RFC 3550 A.1), not truncated. */
    public long extendedHighestSequence() {
        return cycles + maxSequence;
    }

    /** Packets expected less packets received since the first; negative with duplicates (RFC 3550 A.3). */
    public long cumulativeLost() {
        return started ? extendedHighestSequence() - baseSequence + 1 - received : 0;
    }

    /** Interarrival jitter in timestamp units (RFC 3550 A.8). */
    public long jitter() {
        return scaledJitter >> 4;
    }

    private void restartSequence(int sequenceNumber) {
        baseSequence = sequenceNumber;
        maxSequence = sequenceNumber;
        badSequence = SEQUENCE_MODULUS + 1;
        cycles = 0;
        received = 0;
        receivedPrior = 0;
        expectedPrior = 0;
    }

    /** RFC 3550 A.1 update_seq, without the probation of new sources (the session knows its sources). */
    private boolean updateSequence(int sequenceNumber) {
        int delta = (sequenceNumber - maxSequence) & 0xffff;
        if (delta < MAX_DROPOUT) {
            if (sequenceNumber < maxSequence) {
                cycles += SEQUENCE_MODULUS;
            }
            maxSequence = sequenceNumber;
        } else if (delta <= SEQUENCE_MODULUS - MAX_MISORDER) {
            if (sequenceNumber == badSequence) {
                // two packets in sequence after a big jump: the sender restarted
                restartSequence(sequenceNumber);
                transitKnown = false;
            } else {
                badSequence = (sequenceNumber + 1) & 0xffff;
                return false;
            }
        }
        // else: a duplicate or a packet out of order, counted but not moving the highest
        return true;
    }

    /** RFC 3550 A.8, arrival converted to timestamp units; 32-bit arithmetic wraps as the timestamps do. */
    private void updateJitter(long rtpTimestamp, long arrivalNanos) {
        long elapsed = arrivalNanos - firstArrivalNanos;
        long arrival = Math.floorDiv(elapsed, NANOS_PER_SECOND) * clockRate
                + Math.floorMod(elapsed, NANOS_PER_SECOND) * clockRate / NANOS_PER_SECOND;
        int newTransit = (int) (arrival - rtpTimestamp);
        if (transitKnown) {
            long d = Math.abs((long) (newTransit - transit));
            scaledJitter += d - ((scaledJitter + 8) >> 4);
        }
        transit = newTransit;
        transitKnown = true;
    }
}
