package io.kvr.media.rtp.video;

import io.kvr.media.rtp.Depacketizer;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;
import java.util.function.Consumer;

/**
 * Unit boundaries and loss rules shared by the video payload formats. A unit ends with the packet that carries the
 * marker bit (RFC 6184 5.1, RFC 7798 4.1, RFC 6416 5.1) or, for senders that omit the marker, when the timestamp
 * changes. After a loss, the unit it may have hit (the one open, and the one the next packet belongs to) is dropped,
 * and so is every unit until the next keyframe, since later pictures may reference the lost one.
 */
final class VideoUnitAssembler implements Depacketizer {

    private final UnitSyntax syntax;
    private final UnitBuffer unit = new UnitBuffer();

    private boolean open;
    private long timestamp;
    private boolean damaged;
    private boolean gap;
    private boolean waitingForKeyframe = true;
    private boolean handedOut;
    private long dropped;

    VideoUnitAssembler(UnitSyntax syntax) {
        this.syntax = syntax;
    }

    @Override
    public void accept(RtpPacket packet, Consumer<MediaFrame> out) throws RtpFormatException {
        boolean afterGap = gap;
        if (afterGap) {
            gap = false;
            waitingForKeyframe = true;
            damaged |= open;
        }
        if (open && packet.timestamp() != timestamp) {
            finish(out);
        }
        if (!open) {
            open = true;
            timestamp = packet.timestamp();
            damaged = afterGap;
        }
        if (!damaged) {
            try {
                syntax.read(packet, unit);
            } catch (RtpFormatException e) {
                damaged = true;
                waitingForKeyframe = true;
                if (packet.marker()) {
                    finish(out);
                }
                throw e;
            }
        }
        if (packet.marker()) {
            finish(out);
        }
    }

    @Override
    public void lost(int packets) {
        if (packets < 0) {
            throw new IllegalArgumentException("lost " + packets);
        }
        if (packets > 0) {
            gap = true;
        }
    }

    @Override
    public void flush(Consumer<MediaFrame> out) {
        if (gap) {
            gap = false;
            waitingForKeyframe = true;
            damaged |= open;
        }
        if (open) {
            finish(out);
        }
    }

    @Override
    public long droppedUnits() {
        return dropped;
    }

    private void finish(Consumer<MediaFrame> out) {
        if (syntax.endsInsideFragment()) {
            damaged = true;
        }
        if (damaged) {
            dropped++;
            waitingForKeyframe = true;
        } else if (unit.size() > 0) {
            boolean keyframe = syntax.isKeyframe(unit);
            if (waitingForKeyframe && !keyframe) {
                dropped++;
            } else {
                waitingForKeyframe = false;
                MediaFrame frame = new MediaFrame(timestamp, keyframe, syntax.frame(unit, !handedOut));
                handedOut = true;
                reset();
                out.accept(frame);
                return;
            }
        }
        reset();
    }

    private void reset() {
        open = false;
        damaged = false;
        unit.clear();
        syntax.reset();
    }
}
