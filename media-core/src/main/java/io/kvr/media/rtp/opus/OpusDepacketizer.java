package io.kvr.media.rtp.opus;

import io.kvr.media.rtp.Depacketizer;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;
import java.util.function.Consumer;

/**
 * Opus packets from RTP (RFC 7587 4.2: exactly one Opus packet per RTP payload, timestamps on a 48 kHz clock
 * whatever the coded bandwidth). The packet's framing is checked against RFC 6716 3.2 before it is handed out, so
 * a decoder downstream never gets what it must reject; the marker (talkspurt start, RFC 7587 4.1) is ignored.
 * Stateless but for the drop count.
 */
public final class OpusDepacketizer implements Depacketizer {

    /** RTP clock rate of Opus (RFC 7587 4.1). */
    public static final int CLOCK_RATE = 48_000;

    private long dropped;

    @Override
    public void accept(RtpPacket packet, Consumer<MediaFrame> out) throws RtpFormatException {
        String error = OpusToc.framingError(packet.buffer(), packet.payloadOffset(), packet.payloadLength());
        if (error != null) {
            dropped++;
            throw new RtpFormatException(error);
        }
        out.accept(new MediaFrame(packet.timestamp(), true, packet.payload()));
    }

    @Override
    public void lost(int packets) {
        // Every packet is a unit of its own: nothing pending to drop.
    }

    @Override
    public void flush(Consumer<MediaFrame> out) {
        // Nothing is held back.
    }

    @Override
    public long droppedUnits() {
        return dropped;
    }
}
