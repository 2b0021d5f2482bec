package io.kvr.media.rtp.g711;

import io.kvr.media.rtp.Depacketizer;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;
import java.util.function.Consumer;

/**
 * G.711 frames from PCMU (static payload type 0) or PCMA (8) packets (RFC 3551 4.5.14): a packet's payload is one
 * frame of 8-bit samples, the first at the packet's timestamp (8000 Hz clock, 4.5). The marker only flags the start
 * of a talkspurt (4.1) and is ignored. Stateless but for the drop count.
 */
public final class G711Depacketizer implements Depacketizer {

    /** Static payload type of PCMU, mu-law (RFC 3551 Table 4). */
    public static final int PCMU = 0;

    /** Static payload type of PCMA, A-law (RFC 3551 Table 4). */
    public static final int PCMA = 8;

    /** Clock rate of both (RFC 3551 4.5.14). */
    public static final int CLOCK_RATE = 8000;

    private long dropped;

    @Override
    public void accept(RtpPacket packet, Consumer<MediaFrame> out) throws RtpFormatException {
        if (packet.payloadLength() == 0) {
            dropped++;
            throw new RtpFormatException("G.711 packet without samples");
        }
        out.accept(new MediaFrame(packet.timestamp(), true, packet.payload()));
    }

    @Override
    public void lost(int packets) {
        // Every packet is a frame of its own: nothing pending to drop.
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
