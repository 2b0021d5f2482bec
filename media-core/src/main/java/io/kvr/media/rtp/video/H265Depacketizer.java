package io.kvr.media.rtp.video;

import io.kvr.media.codec.VideoCodec;
import io.kvr.media.rtp.Depacketizer;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;
import java.util.List;
import java.util.function.Consumer;

/**
 * H.265 over RTP (RFC 7798) without decoding order numbers: single NAL unit packets, aggregation
 * packets (AP) and fragmentation units (FU). PACI packets are refused. Units come out in Annex B form; a keyframe is
 * a unit with an IRAP slice (types 16..23).
 */
public final class H265Depacketizer implements Depacketizer {

    private final VideoUnitAssembler assembler;

    /** For a stream that carries its parameter sets in-band. */
    public H265Depacketizer() {
        this(List.of());
    }

    /**
     * @param parameterSets VPS, SPS and PPS NAL units from the SDP's {@code sprop-vps},
     *     {@code sprop-sps} and {@code sprop-pps} (RFC 7798 7.1), without start codes; given to the first keyframe
     *     that lacks them
     * @throws IllegalArgumentException if one is not a parameter set
     */
    public H265Depacketizer(List<byte[]> parameterSets) {
        this.assembler = new VideoUnitAssembler(new NalUnitSyntax(VideoCodec.H265, parameterSets));
    }

    /**
     * A depacketizer for the SDP's {@code sprop-max-don-diff}: only 0 (absent) is supported, since a larger value
     * puts a DONL field in every packet (RFC 7798 4.4, 7.1) and allows NAL units out of decoding order.
     *
     * @throws RtpFormatException if {@code spropMaxDonDiff} is not 0
     */
    public static H265Depacketizer forMaxDonDiff(int spropMaxDonDiff, List<byte[]> parameterSets)
            throws RtpFormatException {
        if (spropMaxDonDiff != 0) {
            throw new RtpFormatException("H.265 sprop-max-don-diff " + spropMaxDonDiff + ": DONL is not supported");
        }
        return new H265Depacketizer(parameterSets);
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
