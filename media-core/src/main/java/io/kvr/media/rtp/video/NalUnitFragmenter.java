package io.kvr.media.rtp.video;

import io.kvr.media.codec.AnnexB;
import io.kvr.media.codec.NalUnit;
import io.kvr.media.codec.VideoCodec;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.PayloadSink;
import java.util.List;

/**
 * Cuts an Annex B access unit into single NAL unit packets (RFC 6184 5.6, RFC 7798 4.4.1) and, for NAL units larger
 * than a payload, fragmentation units (RFC 6184 5.8 FU-A, RFC 7798 4.4.3 FU). The FU headers replace the NAL unit
 * header, which is not sent again; the marker goes on the unit's last packet.
 */
final class NalUnitFragmenter {

    private static final byte[] NO_HEADER = new byte[0];
    private static final int H264_FU_A = 28;
    private static final int H265_FU = 49;

    private final VideoCodec codec;
    private final int headerLength;
    private final int fuHeadersLength;

    NalUnitFragmenter(VideoCodec codec) {
        this.codec = codec;
        this.headerLength = codec == VideoCodec.H264 ? 1 : 2;
        this.fuHeadersLength = headerLength + 1;
    }

    void packetize(MediaFrame frame, int maxPayload, PayloadSink out) {
        if (maxPayload <= fuHeadersLength) {
            throw new IllegalArgumentException(codec + " payloads of " + maxPayload + " bytes leave no room for data");
        }
        byte[] data = frame.data();
        if (!AnnexB.startsWithStartCode(data)) {
            throw new IllegalArgumentException(codec + " access unit not in Annex B form");
        }
        List<NalUnit> nalUnits = AnnexB.split(data);
        if (nalUnits.isEmpty()) {
            throw new IllegalArgumentException(codec + " access unit without NAL units");
        }
        for (int i = 0; i < nalUnits.size(); i++) {
            NalUnit nal = nalUnits.get(i);
            boolean last = i == nalUnits.size() - 1;
            if (nal.length() < headerLength) {
                throw new IllegalArgumentException(codec + " NAL unit of " + nal.length() + " bytes");
            }
            if (nal.length() <= maxPayload) {
                out.payload(last, NO_HEADER, data, nal.offset(), nal.length());
            } else {
                fragment(data, nal.offset(), nal.length(), maxPayload, last, out);
            }
        }
    }

    private void fragment(byte[] data, int offset, int length, int maxPayload, boolean lastNal, PayloadSink out) {
        byte[] start = new byte[fuHeadersLength];
        int type = codec.nalUnitType(data[offset]);
        if (codec == VideoCodec.H264) {
            start[0] = (byte) ((data[offset] & 0xe0) | H264_FU_A);
        } else {
            start[0] = (byte) ((data[offset] & 0x81) | H265_FU << 1);
            start[1] = data[offset + 1];
        }
        byte[] middle = start.clone();
        byte[] end = start.clone();
        start[headerLength] = (byte) (0x80 | type);
        middle[headerLength] = (byte) type;
        end[headerLength] = (byte) (0x40 | type);

        int chunk = maxPayload - fuHeadersLength;
        int position = offset + headerLength;
        int stop = offset + length;
        // the NAL unit exceeds maxPayload, so there are at least two fragments: start and end differ
        for (boolean first = true; position < stop; first = false) {
            int size = Math.min(chunk, stop - position);
            boolean lastFragment = position + size == stop;
            out.payload(lastNal && lastFragment, first ? start : lastFragment ? end : middle, data, position, size);
            position += size;
        }
    }
}
