package io.kvr.media.rtp.video;

import io.kvr.media.codec.VideoCodec;
import io.kvr.media.rtp.Depacketizer;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;
import java.util.List;
import java.util.function.Consumer;

/**
 * H.264 over RTP (RFC 6184) in non-interleaved mode (packetization-mode 0 or 1): single NAL unit
 * packets, STAP-A and FU-A. STAP-B, MTAP and FU-B belong to the interleaved mode and are refused. Units come out in
 * Annex B form; a keyframe is a unit with an IDR slice.
 */
public final class H264Depacketizer implements Depacketizer {

    private final VideoUnitAssembler assembler;

    /** For a stream that carries its parameter sets in-band. */
    public H264Depacketizer() {
        this(List.of());
    }

    /**
     * @param parameterSets SPS and PPS NAL units from the SDP's
     *     {@code sprop-parameter-sets} (RFC 6184 8.1), without start codes; given to the first keyframe that lacks
     *     them
     * @throws IllegalArgumentException if one is not a parameter set
     */
    public H264Depacketizer(List<byte[]> parameterSets) {
        this.assembler = new VideoUnitAssembler(new NalUnitSyntax(VideoCodec.H264, parameterSets));
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
