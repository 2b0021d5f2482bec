package io.kvr.media.rtp.rtcp;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An RTCP BYE (RFC 3550 6.6, packet type 203): the sources leave the session.
 *
 * @param ssrcs at most 31
 * @param reason the reason given, empty if none; at most 255 UTF-8 bytes
 */
public record Goodbye(List<Long> ssrcs, String reason) implements RtcpPacket {

    public static final int PACKET_TYPE = 203;

    public Goodbye {
        ssrcs = List.copyOf(ssrcs);
        if (ssrcs.size() > 31) {
            throw new IllegalArgumentException(ssrcs.size() + " sources in one BYE");
        }
        ssrcs.forEach(s -> RtcpPacket.checkU32("SSRC", s));
        if (reason.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("BYE reason longer than 255 bytes");
        }
    }

    @Override
    public int size() {
        int size = 4 + 4 * ssrcs.size();
        if (!reason.isEmpty()) {
            size += (1 + reason.getBytes(StandardCharsets.UTF_8).length + 3) & ~3;
        }
        return size;
    }

    @Override
    public void write(byte[] out, int offset) {
        int size = size();
        RtcpPacket.writeHeader(out, offset, ssrcs.size(), PACKET_TYPE, size);
        int at = offset + 4;
        for (long ssrc : ssrcs) {
            RtcpPacket.putU32(out, at, ssrc);
            at += 4;
        }
        if (!reason.isEmpty()) {
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            out[at] = (byte) text.length;
            System.arraycopy(text, 0, out, at + 1, text.length);
            at += 1 + text.length;
            while (at < offset + size) {
                out[at++] = 0;
            }
        }
    }
}
