package io.kvr.media.rtp;

import java.util.Arrays;

/**
 * One RTP packet (RFC 3550 5.1): the fixed header fields and the payload as a view into {@code buffer}, which is
 * shared, not copied (the packet is read where it arrived). CSRCs and a header extension are skipped by
 * {@link #parse}; padding is removed from the payload.
 *
 * @param payloadType 7-bit payload type
 * @param marker the M bit: for video, the last packet of an access unit
 * @param sequenceNumber 16-bit sequence number, 0..65535
 * @param timestamp 32-bit RTP timestamp, 0..2^32-1
 * @param ssrc 32-bit synchronisation source, 0..2^32-1
 * @param buffer holds the payload; not to be mutated while the packet is in use
 * @param payloadOffset first payload byte in {@code buffer}
 * @param payloadLength payload bytes, 0 or more
 */
public record RtpPacket(
        int payloadType,
        boolean marker,
        int sequenceNumber,
        long timestamp,
        long ssrc,
        byte[] buffer,
        int payloadOffset,
        int payloadLength) {

    /** Size of the fixed header this class writes (no CSRC, no extension). */
    public static final int HEADER_LENGTH = 12;

    private static final int VERSION = 2;

    public RtpPacket {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type " + payloadType);
        }
        if (sequenceNumber < 0 || sequenceNumber > 0xffff) {
            throw new IllegalArgumentException("sequence number " + sequenceNumber);
        }
        if (timestamp < 0 || timestamp > 0xffff_ffffL || ssrc < 0 || ssrc > 0xffff_ffffL) {
            throw new IllegalArgumentException("timestamp " + timestamp + " ssrc " + ssrc);
        }
        // subtraction, not addition: offset + length can overflow
        if (payloadOffset < 0 || payloadLength < 0 || payloadLength > buffer.length - payloadOffset) {
            throw new IndexOutOfBoundsException(
                    "payload " + payloadOffset + "+" + payloadLength + " of " + buffer.length);
        }
    }

    /**
     * Reads the packet in {@code data[offset, offset + length)}: version 2, CSRCs and header extension skipped,
     * padding removed.
     *
     * @throws RtpFormatException if it is not an RTP packet of that length
     */
    public static RtpPacket parse(byte[] data, int offset, int length) throws RtpFormatException {
        if (offset < 0 || length < 0 || length > data.length - offset) {
            throw new IndexOutOfBoundsException(offset + "+" + length + " of " + data.length);
        }
        if (length < HEADER_LENGTH) {
            throw new RtpFormatException("RTP packet of " + length + " bytes, shorter than its header");
        }
        int b0 = data[offset] & 0xff;
        if (b0 >> 6 != VERSION) {
            throw new RtpFormatException("RTP version " + (b0 >> 6));
        }
        int b1 = data[offset + 1] & 0xff;
        int csrcCount = b0 & 0x0f;
        int headerEnd = HEADER_LENGTH + 4 * csrcCount;
        if ((b0 & 0x10) != 0) {
            if (length < headerEnd + 4) {
                throw new RtpFormatException("RTP header extension beyond the packet's " + length + " bytes");
            }
            int words = u16(data, offset + headerEnd + 2);
            headerEnd += 4 + 4 * words;
        }
        if (headerEnd > length) {
            throw new RtpFormatException("RTP header of " + headerEnd + " bytes in a " + length + "-byte packet");
        }
        int end = length;
        if ((b0 & 0x20) != 0) {
            // RFC 3550 5.1: the last octet counts the padding octets, itself included, so it is at least 1 and
            // lies after the header
            int padding = length > headerEnd ? data[offset + length - 1] & 0xff : 0;
            if (padding == 0 || padding > length - headerEnd) {
                throw new RtpFormatException("RTP padding of " + padding + " bytes in a " + length + "-byte packet");
            }
            end -= padding;
        }
        return new RtpPacket(
                b1 & 0x7f,
                (b1 & 0x80) != 0,
                u16(data, offset + 2),
                u32(data, offset + 4),
                u32(data, offset + 8),
                data,
                offset + headerEnd,
                end - headerEnd);
    }

    /** Writes the 12-byte fixed header (no padding, extension or CSRC) at {@code offset}. */
    public static void writeHeader(
            byte[] out, int offset, int payloadType, boolean marker, int sequenceNumber, long timestamp, long ssrc) {
        out[offset] = (byte) (VERSION << 6);
        out[offset + 1] = (byte) ((marker ? 0x80 : 0) | (payloadType & 0x7f));
        out[offset + 2] = (byte) (sequenceNumber >> 8);
        out[offset + 3] = (byte) sequenceNumber;
        putU32(out, offset + 4, timestamp);
        putU32(out, offset + 8, ssrc);
    }

    /** This packet as bytes: the fixed header and the payload. */
    public byte[] toByteArray() {
        byte[] out = new byte[HEADER_LENGTH + payloadLength];
        writeHeader(out, 0, payloadType, marker, sequenceNumber, timestamp, ssrc);
        System.arraycopy(buffer, payloadOffset, out, HEADER_LENGTH, payloadLength);
        return out;
    }

    /** A copy of the payload bytes. */
    public byte[] payload() {
        return Arrays.copyOfRange(buffer, payloadOffset, payloadOffset + payloadLength);
    }

    /** Payload byte {@code i} (0-based), unsigned. */
    public int payloadByte(int i) {
        if (i < 0 || i >= payloadLength) {
            throw new IndexOutOfBoundsException(i + " of " + payloadLength);
        }
        return buffer[payloadOffset + i] & 0xff;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RtpPacket p
                && p.payloadType == payloadType
                && p.marker == marker
                && p.sequenceNumber == sequenceNumber
                && p.timestamp == timestamp
                && p.ssrc == ssrc
                && Arrays.equals(
                        buffer,
                        payloadOffset,
                        payloadOffset + payloadLength,
                        p.buffer,
                        p.payloadOffset,
                        p.payloadOffset + p.payloadLength);
    }

    @Override
    public int hashCode() {
        int h = (payloadType * 31 + sequenceNumber) * 31 + Long.hashCode(timestamp);
        for (int i = payloadOffset; i < payloadOffset + payloadLength; i++) {
            h = 31 * h + buffer[i];
        }
        return h;
    }

    @Override
    public String toString() {
        return "RtpPacket[pt=" + payloadType + ", m=" + marker + ", seq=" + sequenceNumber + ", ts=" + timestamp
                + ", ssrc=" + Long.toHexString(ssrc) + ", payload=" + payloadLength + "]";
    }

    static int u16(byte[] b, int i) {
        return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }

    static long u32(byte[] b, int i) {
        return ((long) u16(b, i) << 16) | u16(b, i + 2);
    }

    private static void putU32(byte[] b, int i, long v) {
        b[i] = (byte) (v >> 24);
        b[i + 1] = (byte) (v >> 16);
        b[i + 2] = (byte) (v >> 8);
        b[i + 3] = (byte) v;
    }
}
