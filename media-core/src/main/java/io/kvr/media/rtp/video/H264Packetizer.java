package io.kvr.media.rtp.video;

import io.kvr.media.codec.VideoCodec;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.Packetizer;
import io.kvr.media.rtp.PayloadSink;

/**
 * H.264 access units to RTP payloads (RFC 6184, packetization-mode 1): a NAL unit that fits is sent
 * as a single NAL unit packet, a larger one as FU-A fragments; the marker is set on the unit's last packet. No
 * STAP-A: an aggregate cannot be a header plus one slice of the unit, so it would copy media bytes.
 */
public final class H264Packetizer implements Packetizer {

    private final NalUnitFragmenter fragmenter = new NalUnitFragmenter(VideoCodec.H264);

    @Override
    public void packetize(MediaFrame frame, int maxPayload, PayloadSink out) {
        fragmenter.packetize(frame, maxPayload, out);
    }
}
