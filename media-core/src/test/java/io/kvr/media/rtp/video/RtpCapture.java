package io.kvr.media.rtp.video;

import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Packets captured from a real sender, as stored under {@code src/test/resources/rtp} (see the README there): each a
 * 16-bit length then the whole RTP packet.
 */
record RtpCapture(List<byte[]> datagrams) {

    static RtpCapture load(String resource) {
        byte[] file = resource(resource);
        List<byte[]> datagrams = new ArrayList<>();
        int position = 0;
        while (position < file.length) {
            int length = (file[position] & 0xff) << 8 | (file[position + 1] & 0xff);
            byte[] datagram = new byte[length];
            System.arraycopy(file, position + 2, datagram, 0, length);
            datagrams.add(datagram);
            position += 2 + length;
        }
        return new RtpCapture(List.copyOf(datagrams));
    }

    /** Every datagram parsed; the captures hold RTP only. */
    List<RtpPacket> packets() {
        List<RtpPacket> packets = new ArrayList<>(datagrams.size());
        for (byte[] datagram : datagrams) {
            try {
                packets.add(RtpPacket.parse(datagram, 0, datagram.length));
            } catch (RtpFormatException e) {
                throw new IllegalStateException("capture holds a non-RTP datagram", e);
            }
        }
        return packets;
    }

    static byte[] resource(String name) {
        try (InputStream in = RtpCapture.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
