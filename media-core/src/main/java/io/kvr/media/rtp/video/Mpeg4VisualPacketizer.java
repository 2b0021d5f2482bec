package io.kvr.media.rtp.video;

import io.kvr.media.codec.mpeg4.VisualStartCodes;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.Packetizer;
import io.kvr.media.rtp.PayloadSink;

/**
 * MPEG-4 Part 2 access units to RTP payloads (RFC 6416 5.1, MP4V-ES): the elementary stream bytes, no payload
 * header, marker on the unit's last packet. A unit larger than a payload is cut before the last start code that
 * leaves the packet at least half full, so headers and VOPs tend to begin packets (RFC 6416 5.2), else at the limit.
 */
public final class Mpeg4VisualPacketizer implements Packetizer {

    private static final byte[] NO_HEADER = new byte[0];

    @Override
    public void packetize(MediaFrame frame, int maxPayload, PayloadSink out) {
        if (maxPayload < 1) {
            throw new IllegalArgumentException("payloads of " + maxPayload + " bytes");
        }
        byte[] data = frame.data();
        if (data.length == 0) {
            throw new IllegalArgumentException("empty MPEG-4 Part 2 access unit");
        }
        int position = 0;
        while (position < data.length) {
            int end = Math.min(data.length, position + maxPayload);
            if (end < data.length) {
                end = lastStartCodeBefore(data, position + Math.max(1, maxPayload / 2), end);
            }
            out.payload(end == data.length, NO_HEADER, data, position, end - position);
            position = end;
        }
    }

    /** Offset of the last start code prefix in {@code [from, to]}, or {@code to} when there is none. */
    private static int lastStartCodeBefore(byte[] data, int from, int to) {
        int cut = to;
        int value = VisualStartCodes.find(data, from, to + 3, 0, 0xff);
        while (value >= 0) {
            cut = value - 3;
            value = VisualStartCodes.find(data, value + 1, to + 3, 0, 0xff);
        }
        return cut;
    }
}
