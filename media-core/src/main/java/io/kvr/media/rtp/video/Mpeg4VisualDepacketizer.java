package io.kvr.media.rtp.video;

import io.kvr.media.rtp.Depacketizer;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;
import java.util.function.Consumer;

/**
 * MPEG-4 Part 2 video over RTP (RFC 6416, MP4V-ES): a unit is the payloads up to the marker packet (or up to a
 * timestamp change). A keyframe is a unit whose first VOP is an I-VOP.
 */
public final class Mpeg4VisualDepacketizer implements Depacketizer {

    private final VideoUnitAssembler assembler;

    /** For a stream that carries its VOS/VOL header in-band. */
    public Mpeg4VisualDepacketizer() {
        this(new byte[0]);
    }

    /**
     * @param configuration the VOS/VOL header from the SDP's {@code config=} (RFC 6416 7.1), or empty; given to the
     *     first keyframe when it has no VOL header of its own
     */
    public Mpeg4VisualDepacketizer(byte[] configuration) {
        this.assembler = new VideoUnitAssembler(new Mpeg4VisualSyntax(configuration));
    }

    @Override
    public void accept(RtpPacket packet, Consumer<MediaFrame> out) throws RtpFormatException {
        assembler.accept(packet, out);
    }

    @Override
    public void lost(int packets) {
        assembler.lost(packets);
    }

    @Override
    public void flush(Consumer<MediaFrame> out) {
        assembler.flush(out);
    }

    @Override
    public long droppedUnits() {
        return assembler.droppedUnits();
    }
}
