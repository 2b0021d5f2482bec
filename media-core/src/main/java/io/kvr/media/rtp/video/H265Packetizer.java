package io.kvr.media.rtp.video;

import io.kvr.media.codec.VideoCodec;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.Packetizer;
import io.kvr.media.rtp.PayloadSink;

/**
 * H.265 access units to RTP payloads (RFC 7798, no DONL): a NAL unit that fits is sent as a single
 * NAL unit packet, a larger one as FU fragments; the marker is set on the unit's last packet. No aggregation
 * packets: an AP cannot be a header plus one slice of the unit, so it would copy media bytes.
 */
public final class H265Packetizer implements Packetizer {

    private final NalUnitFragmenter fragmenter = new NalUnitFragmenter(VideoCodec.H265);

    @Override
    public void packetize(MediaFrame frame, int maxPayload, PayloadSink out) {
        fragmenter.packetize(frame, maxPayload, out);
    }
}
