package io.kvr.media.rtp.video;

import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;

/**
 * What one video payload format reads from its packets; {@link VideoUnitAssembler} applies the unit boundaries and
 * loss rules all of them share. Holds the state of the unit being read, cleared by {@link #reset}.
 */
interface UnitSyntax {

    /**
     * Appends what the packet carries to {@code unit}, in the form {@code MediaFrame} describes.
     *
     * @throws RtpFormatException if the payload is not valid for the format
     */
    void read(RtpPacket packet, UnitBuffer unit) throws RtpFormatException;

    /** Whether the unit read so far ends inside a fragmented NAL unit: its end was never seen. */
    boolean endsInsideFragment();

    /** Whether the unit is a random access point. */
    boolean isKeyframe(UnitBuffer unit);

    /**
     * The bytes of the complete unit to hand out, a new array.
     *
     * @param first whether it is the first unit handed out, which must carry the out-of-band configuration
     */
    byte[] frame(UnitBuffer unit, boolean first);

    /** Forgets the unit read so far. */
    void reset();
}
