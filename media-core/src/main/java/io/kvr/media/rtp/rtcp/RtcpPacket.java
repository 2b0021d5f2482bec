package io.kvr.media.rtp.rtcp;

/** One packet of an RTCP compound packet (RFC 3550 6.1) that kvr reads and writes. */
public sealed interface RtcpPacket permits SenderReport, ReceiverReport, SourceDescription, Goodbye {

    /** Bytes this packet takes when written, a multiple of 4 (header included, no padding). */
    int size();

    /** Writes the packet at {@code offset}; {@code out} has {@link #size()} bytes there. */
    void write(byte[] out, int offset);

    /** Writes the 4-byte common header (RFC 3550 6.4.1): version 2, no padding, count, type, length in words - 1. */
    static void writeHeader(byte[] out, int offset, int count, int packetType, int size) {
        out[offset] = (byte) (2 << 6 | count);
        out[offset + 1] = (byte) packetType;
        int words = size / 4 - 1;
        out[offset + 2] = (byte) (words >> 8);
        out[offset + 3] = (byte) words;
    }

    static void putU32(byte[] out, int offset, long value) {
        out[offset] = (byte) (value >> 24);
        out[offset + 1] = (byte) (value >> 16);
        out[offset + 2] = (byte) (value >> 8);
        out[offset + 3] = (byte) value;
    }

    static long u32(byte[] in, int offset) {
        return (in[offset] & 0xffL) << 24
                | (in[offset + 1] & 0xff) << 16
                | (in[offset + 2] & 0xff) << 8
                | (in[offset + 3] & 0xff);
    }

    static void checkU32(String name, long value) {
        if (value < 0 || value > 0xffff_ffffL) {
            throw new IllegalArgumentException(name + " " + value + " is not a 32-bit unsigned value");
        }
    }
}
