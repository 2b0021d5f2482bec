package io.kvr.media.rtp;

/**
 * Receives the payloads a {@link Packetizer} cuts, one RTP packet each, in order. A payload is {@code header}
 * (the payload format's own bytes: an FU or AU header, or empty) followed by {@code data[offset, offset + length)},
 * a slice of the access unit: media bytes are not copied until they reach the outgoing packet.
 */
@FunctionalInterface
public interface PayloadSink {

    /**
     * @param marker the RTP marker bit of this packet
     * @param header bytes that precede the slice in the payload; never mutated after the call returns, may be
     *     shared
     */
    void payload(boolean marker, byte[] header, byte[] data, int offset, int length);
}
