package io.kvr.media.rtp.opus;

import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.Packetizer;
import io.kvr.media.rtp.PayloadSink;

/**
 * One Opus packet per RTP payload (RFC 7587 4.2: Opus packets are never fragmented nor aggregated). The marker is
 * not set (RFC 7587 4.1: only the first packet of a talkspurt after DTX has it).
 */
public final class OpusPacketizer implements Packetizer {

    private static final byte[] NO_HEADER = {};

    @Override
    public void packetize(MediaFrame frame, int maxPayload, PayloadSink out) {
        byte[] packet = frame.data();
        String error = OpusToc.framingError(packet, 0, packet.length);
        if (error != null) {
            throw new IllegalArgumentException(error);
        }
        if (packet.length > maxPayload) {
            throw new IllegalArgumentException(
                    "Opus packet of " + packet.length + " bytes over the payload limit " + maxPayload);
        }
        out.payload(false, NO_HEADER, packet, 0, packet.length);
    }
}
