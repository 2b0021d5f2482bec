package io.kvr.media.rtp;

/**
 * Puts one RTP stream's packets back in sequence-number order (UDP may reorder and duplicate them) within a small
 * window, and tells the loss it gives up on. One instance per stream; not thread-safe.
 *
 * <p>A packet up to {@code window} sequence numbers ahead of the next expected one is held until the packets
 * before it arrive; a packet further ahead means the oldest gaps will not be filled: they are reported to the sink
 * as {@link OrderedPacketSink#lost} and the held packets after them handed out. So a gap is waited for during at
 * most the span of {@code window} packets, and at most {@code window} packets are held. With window 0 (TCP
 * interleaved, in order by construction) every packet is handed out at once and only loss is counted.
 *
 * <p>Sequence numbers are compared modulo 2^16, so 65535 → 0 is no gap. A packet behind the expected one is
 * dropped, counted as a duplicate when it was handed out already, else as late. Following RFC 3550 A.1, a jump of
 * more than {@value #MAX_DROPOUT} forward or {@value #MAX_MISORDER} (or the window, if larger) backward, or a new
 * SSRC, restarts the sequence only when the next packet follows it (seq + 1, same SSRC): a single stray packet
 * does not disturb the stream. The first packet starts the sequence; a packet older than it is late.
 *
 * <p>Held packets keep a reference to their buffer: the caller gives each datagram its own array.
 */
public final class ReorderBuffer {

    /** Largest window accepted: far more than a network reorders, small enough to bound memory. */
    public static final int MAX_WINDOW = 1024;

    /** RFC 3550 A.1: a forward jump up to this many sequence numbers is loss, beyond it a restart. */
    static final int MAX_DROPOUT = 3000;

    /** RFC 3550 A.1: a packet up to this many sequence numbers behind is late, further behind a restart. */
    static final int MAX_MISORDER = 100;

    private final int window;
    private final int misorder;
    private final RtpPacket[] held;
    private int heldCount;
    private boolean started;
    private long ssrc;
    private int expected;
    /** Bit i set: sequence number expected - 1 - i was handed out (tells duplicates from late packets). */
    private long handedOutRecently;
    /** First packet of a possible restart, confirmed if the next packet follows it. */
    private RtpPacket restartCandidate;
    /** Packets given up since the last one handed out: one gap is reported once, before the packet after it. */
    private int pendingLost;

    private long handedOut;
    private long lost;
    private long duplicates;
    private long late;
    private long strays;
    private long restarts;

    /**
     * @param window packets held at most while waiting for a gap to fill, 0..{@value #MAX_WINDOW}; 0 for an
     *     in-order transport
     */
    public ReorderBuffer(int window) {
        if (window < 0 || window > MAX_WINDOW) {
            throw new IllegalArgumentException("reorder window " + window + " not in 0.." + MAX_WINDOW);
        }
        this.window = window;
        this.misorder = Math.max(MAX_MISORDER, window);
        // a power of two divides 2^16, so slots stay consecutive across the sequence number wrap
        this.held = new RtpPacket[Integer.highestOneBit(Math.max(window, 1) * 2 - 1)];
    }

    /** Takes a packet as it arrived; hands {@code out} every packet (and loss) this puts in order. */
    public void offer(RtpPacket packet, OrderedPacketSink out) {
        if (!started) {
            start(packet, out);
            return;
        }
        if (restartCandidate != null) {
            RtpPacket candidate = restartCandidate;
            restartCandidate = null;
            if (packet.ssrc() == candidate.ssrc()
                    && packet.sequenceNumber() == ((candidate.sequenceNumber() + 1) & 0xffff)) {
                restart(candidate, out);
                // falls through: the packet follows the candidate
            } else {
                strays++;
            }
        }
        if (packet.ssrc() != ssrc) {
            restartCandidate = packet;
            return;
        }
        int ahead = distance(packet.sequenceNumber(), expected);
        if (ahead < 0) {
            if (-ahead > misorder) {
                restartCandidate = packet;
            } else if (-ahead <= Long.SIZE && (handedOutRecently & (1L << (-ahead - 1))) != 0) {
                duplicates++;
            } else {
                late++;
            }
            return;
        }
        if (ahead > MAX_DROPOUT) {
            restartCandidate = packet;
            return;
        }
        if (ahead > window) {
            // RFC 3550 gives no deadline; the window is ours: a gap older than its span will not be filled
            giveUpUntil((packet.sequenceNumber() - window) & 0xffff, out);
            drain(out);
            ahead = distance(packet.sequenceNumber(), expected);
        }
        if (ahead == 0) {
            handOut(packet, out);
            drain(out);
            return;
        }
        int slot = packet.sequenceNumber() & (held.length - 1);
        if (held[slot] != null) {
            // sequence numbers expected + 1 .. expected + window fall in distinct slots: the held one is this one
            duplicates++;
            return;
        }
        held[slot] = packet;
        heldCount++;
    }

    /** Hands out every held packet, reporting the gaps between them (end of stream, or a caller's deadline). */
    public void flush(OrderedPacketSink out) {
        while (heldCount > 0) {
            RtpPacket next = take(expected);
            if (next == null) {
                skip(1);
            } else {
                handOut(next, out);
            }
        }
    }

    /** Packets held, waiting for a gap before them to fill. */
    public int held() {
        return heldCount;
    }

    /** Packets handed out so far. */
    public long handedOut() {
        return handedOut;
    }

    /**
     * Packets reported lost so far (the sum of every {@link OrderedPacketSink#lost}); a gap given up on counts
     * once the packet after it is handed out.
     */
    public long lost() {
        return lost;
    }

    /** Packets dropped because the same sequence number was held or handed out already. */
    public long duplicates() {
        return duplicates;
    }

    /** Packets dropped because they came after their place in the sequence was given up or passed. */
    public long late() {
        return late;
    }

    /** Packets far out of sequence (or of another SSRC) that the next packet did not confirm as a restart. */
    public long strays() {
        return strays;
    }

    /** Times the sequence restarted (new SSRC, or a confirmed jump). */
    public long restarts() {
        return restarts;
    }

    private void start(RtpPacket packet, OrderedPacketSink out) {
        started = true;
        ssrc = packet.ssrc();
        expected = packet.sequenceNumber();
        handedOutRecently = 0;
        handOut(packet, out);
    }

    private void restart(RtpPacket first, OrderedPacketSink out) {
        flush(out);
        // loss after the old sequence's last packet is unknown and would precede nothing
        pendingLost = 0;
        restarts++;
        out.restarted();
        start(first, out);
    }

    /** Moves {@code expected} to {@code target}, handing out what is held before it and reporting the rest lost. */
    private void giveUpUntil(int target, OrderedPacketSink out) {
        while (expected != target) {
            if (heldCount == 0) {
                skip(distance(target, expected));
                return;
            }
            RtpPacket next = take(expected);
            if (next == null) {
                skip(1);
            } else {
                handOut(next, out);
            }
        }
    }

    private void drain(OrderedPacketSink out) {
        RtpPacket next;
        while (heldCount > 0 && (next = take(expected)) != null) {
            handOut(next, out);
        }
    }

    private RtpPacket take(int sequenceNumber) {
        int slot = sequenceNumber & (held.length - 1);
        RtpPacket packet = held[slot];
        if (packet == null || packet.sequenceNumber() != sequenceNumber) {
            return null;
        }
        held[slot] = null;
        heldCount--;
        return packet;
    }

    private void handOut(RtpPacket packet, OrderedPacketSink out) {
        if (pendingLost > 0) {
            lost += pendingLost;
            out.lost(pendingLost);
            pendingLost = 0;
        }
        expected = (packet.sequenceNumber() + 1) & 0xffff;
        handedOutRecently = handedOutRecently << 1 | 1;
        handedOut++;
        out.packet(packet);
    }

    /** Gives up on the next {@code count} sequence numbers. */
    private void skip(int count) {
        pendingLost += count;
        expected = (expected + count) & 0xffff;
        handedOutRecently = count >= Long.SIZE ? 0 : handedOutRecently << count;
    }

    /** {@code a - b} modulo 2^16, as -32768..32767. */
    static int distance(int a, int b) {
        return (short) (a - b);
    }
}
