package io.kvr.media.rtp;

import java.util.function.Consumer;

/**
 * Turns one RTP stream's packets of one payload format into access units. One instance per stream; not
 * thread-safe. Packets come in sequence-number order (a reorder buffer sits in front); a gap is announced with
 * {@link #lost} before the packet after it.
 *
 * <p>A video unit with a lost or truncated fragment is never handed out: it is dropped and counted, and nothing
 * is handed out until the next keyframe. Audio units are independent: only the damaged ones are dropped.
 */
public interface Depacketizer {

    /**
     * Takes the next packet; hands each access unit it completes to {@code out}, in order (zero, one or several
     * per packet).
     *
     * @throws RtpFormatException if the packet is not valid for the payload format; the depacketizer stays
     *     usable, and the unit the packet belonged to is dropped as if lost
     */
    void accept(RtpPacket packet, Consumer<MediaFrame> out) throws RtpFormatException;

    /** {@code packets} packets were lost before the next one given to {@link #accept}. */
    void lost(int packets);

    /** Hands out a unit still being assembled if it is complete without its marker packet (end of stream). */
    void flush(Consumer<MediaFrame> out);

    /** Access units dropped so far because a fragment was lost, truncated or invalid, or no keyframe came yet. */
    long droppedUnits();
}
