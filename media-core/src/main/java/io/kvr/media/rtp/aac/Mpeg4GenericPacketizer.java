package io.kvr.media.rtp.aac;

import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.Packetizer;
import io.kvr.media.rtp.PayloadSink;

/**
 * Cuts AAC access units into RFC 3640 {@code mpeg4-generic} payloads: one access unit per packet behind its AU
 * header (AU-Index 0, 3.2.1), or, when it does not fit, fragments of it each behind the same AU header, which
 * carries the whole unit's size (3.2.3.2). Every packet that ends a unit has the marker (3.2.3.2, 3.3.6).
 */
public final class Mpeg4GenericPacketizer implements Packetizer {

    private final AuHeaderLayout layout;

    public Mpeg4GenericPacketizer(AuHeaderLayout layout) {
        this.layout = layout;
    }

    @Override
    public void packetize(MediaFrame frame, int maxPayload, PayloadSink out) {
        byte[] unit = frame.data();
        if (unit.length == 0 || unit.length > layout.maxUnitSize()) {
            throw new IllegalArgumentException(
                    "access unit of " + unit.length + " bytes for AU-size of " + layout.sizeLength() + " bits");
        }
        byte[] header = header(unit.length);
        int room = maxPayload - header.length;
        if (room < 1) {
            throw new IllegalArgumentException("payload limit " + maxPayload + " leaves no room after the AU header");
        }
        for (int offset = 0; offset < unit.length; offset += room) {
            int length = Math.min(room, unit.length - offset);
            out.payload(offset + length == unit.length, header, unit, offset, length);
        }
    }

    /** AU-headers-length, then one AU header of AU-size {@code size} and AU-Index 0, padded to a byte. */
    private byte[] header(int size) {
        int bits = layout.headerBits(0);
        byte[] header = new byte[2 + (bits + 7) / 8];
        header[0] = (byte) (bits >> 8);
        header[1] = (byte) bits;
        long value = (long) size << layout.indexLength();
        int padded = (header.length - 2) * 8;
        value <<= padded - bits;
        for (int i = header.length - 1; i >= 2; i--) {
            header[i] = (byte) value;
            value >>>= 8;
        }
        return header;
    }
}
