package io.kvr.media.rtp;

/**
 * Cuts access units of one payload format into RTP payloads no larger than a maximum size. The caller writes the
 * RTP headers (sequence numbers, the unit's timestamp, SSRC). Stateless between units unless the format says
 * otherwise; not thread-safe.
 */
public interface Packetizer {

    /**
     * Cuts {@code frame} into payloads of at most {@code maxPayload} bytes (header included), handed to {@code out}
     * in order; the last one carries the marker where the format sets it.
     *
     * @throws IllegalArgumentException if the unit is not in the form {@link MediaFrame} describes, or
     *     {@code maxPayload} is too small for the format
     */
    void packetize(MediaFrame frame, int maxPayload, PayloadSink out);
}
