package io.kvr.media.rtp;

/**
 * Receives one RTP stream's packets from a {@link ReorderBuffer}, in sequence-number order, each at most once. A
 * {@link Depacketizer} sits behind it: {@link #packet} maps to {@code accept}, {@link #lost} to {@code lost}.
 */
public interface OrderedPacketSink {

    /** The next packet in sequence order. */
    void packet(RtpPacket packet);

    /** {@code packets} packets (1 or more) are missing before the next {@link #packet}. */
    void lost(int packets);

    /**
     * The sender restarted its sequence (a new SSRC, or a jump the next packet confirmed): the packet after this
     * call starts a new sequence, and a unit being assembled from the old one will not be completed.
     */
    void restarted();
}
