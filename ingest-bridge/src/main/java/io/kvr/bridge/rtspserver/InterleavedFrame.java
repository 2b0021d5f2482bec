package io.kvr.bridge.rtspserver;

/**
 * One binary frame interleaved in an RTSP connection (RFC 2326 10.12, RFC 7826 14): an RTP or RTCP packet sent on
 * the connection's TCP stream after {@code $}, the channel and a 16-bit length.
 *
 * @param channel the interleaved channel, 0..255, as SETUP's {@code interleaved=} assigned it
 * @param data the packet, owned by the frame (its own array, so a reorder buffer may keep it)
 */
public record InterleavedFrame(int channel, byte[] data) {
    public InterleavedFrame {
        if (channel < 0 || channel > 255) {
            throw new IllegalArgumentException("interleaved channel " + channel);
        }
    }
}
