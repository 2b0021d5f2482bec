package io.kvr.media.rtp.latm;

import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.Packetizer;
import io.kvr.media.rtp.PayloadSink;
import java.util.Arrays;

/**
 * Cuts AAC access units into MP4A-LATM payloads (RFC 6416 6.1, {@code cpresent=0}): one audioMuxElement per unit,
 * its PayloadLengthInfo (ISO/IEC 14496-3 1.7.3, frameLengthType 0) then the unit, fragmented over as many packets
 * as the limit needs; the last has the marker. Pairs with {@link StreamMuxConfig#of}, one subframe per element.
 */
public final class LatmPacketizer implements Packetizer {

    private static final byte[] NO_HEADER = {};

    @Override
    public void packetize(MediaFrame frame, int maxPayload, PayloadSink out) {
        byte[] unit = frame.data();
        if (unit.length == 0) {
            throw new IllegalArgumentException("empty access unit");
        }
        byte[] lengthInfo = new byte[unit.length / 255 + 1];
        Arrays.fill(lengthInfo, 0, lengthInfo.length - 1, (byte) 0xff);
        lengthInfo[lengthInfo.length - 1] = (byte) (unit.length % 255);
        if (maxPayload <= lengthInfo.length) {
            throw new IllegalArgumentException(
                    "payload limit " + maxPayload + " leaves no room after " + lengthInfo.length + " length bytes");
        }
        int first = Math.min(unit.length, maxPayload - lengthInfo.length);
        out.payload(first == unit.length, lengthInfo, unit, 0, first);
        for (int offset = first; offset < unit.length; offset += maxPayload) {
            int length = Math.min(maxPayload, unit.length - offset);
            out.payload(offset + length == unit.length, NO_HEADER, unit, offset, length);
        }
    }
}
