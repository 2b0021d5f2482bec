package io.kvr.media.rtp.video;

import io.kvr.media.codec.mpeg4.VisualStartCodes;
import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;
import java.util.Arrays;

/**
 * MP4V-ES payloads (RFC 6416 5.1): the elementary stream bytes themselves, with no payload header, so a unit is the
 * concatenation of its packets' payloads.
 */
final class Mpeg4VisualSyntax implements UnitSyntax {

    private final byte[] configuration;

    /** @param configuration the VOS/VOL header from the SDP's {@code config=} (RFC 6416 7.1), or empty */
    Mpeg4VisualSyntax(byte[] configuration) {
        this.configuration = configuration.clone();
    }

    @Override
    public void read(RtpPacket packet, UnitBuffer unit) throws RtpFormatException {
        unit.append(packet.buffer(), packet.payloadOffset(), packet.payloadLength());
    }

    @Override
    public boolean endsInsideFragment() {
        return false;
    }

    @Override
    public boolean isKeyframe(UnitBuffer unit) {
        int vop = VisualStartCodes.find(unit.bytes(), 0, unit.size(), VisualStartCodes.VOP, VisualStartCodes.VOP);
        // vop_coding_type 00 (ISO/IEC 14496-2 6.3.5): the same test as VisualStartCodes.isIntraVop, on the buffer
        return vop >= 0 && vop + 1 < unit.size() && (unit.bytes()[vop + 1] & 0xc0) == 0;
    }

    /** The unit; the first one handed out gets the configuration in front when it carries no VOL header itself. */
    @Override
    public byte[] frame(UnitBuffer unit, boolean first) {
        boolean withConfiguration = first
                && configuration.length > 0
                && VisualStartCodes.find(
                                unit.bytes(),
                                0,
                                unit.size(),
                                VisualStartCodes.VIDEO_OBJECT_LAYER_FIRST,
                                VisualStartCodes.VIDEO_OBJECT_LAYER_LAST)
                        < 0;
        if (!withConfiguration) {
            return Arrays.copyOf(unit.bytes(), unit.size());
        }
        byte[] out = new byte[configuration.length + unit.size()];
        System.arraycopy(configuration, 0, out, 0, configuration.length);
        System.arraycopy(unit.bytes(), 0, out, configuration.length, unit.size());
        return out;
    }

    @Override
    public void reset() {}
}
