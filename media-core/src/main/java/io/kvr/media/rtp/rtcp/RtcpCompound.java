package io.kvr.media.rtp.rtcp;

import io.kvr.media.rtp.RtpFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes RTCP compound packets (RFC 3550 6.1): RTCP packets back to back in one datagram, each with
 * its own length. Sender and receiver reports, SDES and BYE are read; other types (APP, feedback of RFC 4585,
 * extended reports of RFC 3611, ...) are skipped by their length. A lone SDES or BYE is accepted, as reduced-size
 * RTCP (RFC 5506) allows.
 */
public final class RtcpCompound {

    private static final int VERSION = 2;

    private RtcpCompound() {}

    /**
     * Reads the compound packet in {@code data[offset, offset + length)}.
     *
     * @throws RtpFormatException if a packet is not version 2, its length does not fit the datagram or its
     *     content does not fit its length
     */
    public static List<RtcpPacket> parse(byte[] data, int offset, int length) throws RtpFormatException {
        if (offset < 0 || length < 0 || length > data.length - offset) {
            throw new IndexOutOfBoundsException(offset + "+" + length + " of " + data.length);
        }
        if (length == 0) {
            throw new RtpFormatException("empty RTCP packet");
        }
        List<RtcpPacket> packets = new ArrayList<>(3);
        int at = offset;
        int end = offset + length;
        while (at < end) {
            if (end - at < 4) {
                throw new RtpFormatException("RTCP packet header cut after " + (end - at) + " bytes");
            }
            int b0 = data[at] & 0xff;
            if (b0 >> 6 != VERSION) {
                throw new RtpFormatException("RTCP version " + (b0 >> 6));
            }
            int count = b0 & 0x1f;
            int type = data[at + 1] & 0xff;
            int size = (((data[at + 2] & 0xff) << 8 | (data[at + 3] & 0xff)) + 1) * 4;
            if (size > end - at) {
                throw new RtpFormatException("RTCP packet of " + size + " bytes in " + (end - at) + " left");
            }
            int contentEnd = at + size;
            if ((b0 & 0x20) != 0) {
                // RFC 3550 6.4.1: the last octet counts the padding, itself included
                int padding = data[contentEnd - 1] & 0xff;
                if (padding == 0 || padding > size - 4) {
                    throw new RtpFormatException("RTCP padding of " + padding + " in a " + size + "-byte packet");
                }
                contentEnd -= padding;
            }
            RtcpPacket packet = switch (type) {
                case SenderReport.PACKET_TYPE -> senderReport(data, at, count, contentEnd);
                case ReceiverReport.PACKET_TYPE -> receiverReport(data, at, count, contentEnd);
                case SourceDescription.PACKET_TYPE -> sourceDescription(data, at, count, contentEnd);
                case Goodbye.PACKET_TYPE -> goodbye(data, at, count, contentEnd);
                default -> null;
            };
            if (packet != null) {
                packets.add(packet);
            }
            at += size;
        }
        return packets;
    }

    /** The compound packet of {@code packets}, in order (RFC 3550 6.1: a report first, then SDES with a CNAME). */
    public static byte[] write(List<? extends RtcpPacket> packets) {
        int size = 0;
        for (RtcpPacket packet : packets) {
            size += packet.size();
        }
        byte[] out = new byte[size];
        int at = 0;
        for (RtcpPacket packet : packets) {
            packet.write(out, at);
            at += packet.size();
        }
        return out;
    }

    private static SenderReport senderReport(byte[] data, int at, int count, int end) throws RtpFormatException {
        need(SenderReport.PACKET_TYPE, 28 + ReportBlock.SIZE * count, end - at);
        long ntp = RtcpPacket.u32(data, at + 8) << 32 | RtcpPacket.u32(data, at + 12);
        return new SenderReport(
                RtcpPacket.u32(data, at + 4),
                new NtpTimestamp(ntp),
                RtcpPacket.u32(data, at + 16),
                RtcpPacket.u32(data, at + 20),
                RtcpPacket.u32(data, at + 24),
                reportBlocks(data, at + 28, count));
    }

    private static ReceiverReport receiverReport(byte[] data, int at, int count, int end) throws RtpFormatException {
        need(ReceiverReport.PACKET_TYPE, 8 + ReportBlock.SIZE * count, end - at);
        return new ReceiverReport(RtcpPacket.u32(data, at + 4), reportBlocks(data, at + 8, count));
    }

    private static List<ReportBlock> reportBlocks(byte[] data, int at, int count) {
        ReportBlock[] blocks = new ReportBlock[count];
        for (int i = 0; i < count; i++) {
            blocks[i] = ReportBlock.read(data, at + ReportBlock.SIZE * i);
        }
        return List.of(blocks);
    }

    private static SourceDescription sourceDescription(byte[] data, int start, int count, int end)
            throws RtpFormatException {
        List<SourceDescription.Chunk> chunks = new ArrayList<>(count);
        int at = start + 4;
        for (int c = 0; c < count; c++) {
            need(SourceDescription.PACKET_TYPE, at + 4 - start, end - start);
            long ssrc = RtcpPacket.u32(data, at);
            at += 4;
            List<SourceDescription.Item> items = new ArrayList<>(2);
            // RFC 3550 6.5: items end with a null octet, then padding to the next 32-bit boundary
            while (at < end && data[at] != 0) {
                int type = data[at] & 0xff;
                need(SourceDescription.PACKET_TYPE, at + 2 - start, end - start);
                int textLength = data[at + 1] & 0xff;
                need(SourceDescription.PACKET_TYPE, at + 2 + textLength - start, end - start);
                items.add(new SourceDescription.Item(type, text(data, at + 2, textLength)));
                at += 2 + textLength;
            }
            if (at >= end) {
                throw new RtpFormatException("SDES chunk without its terminating null item");
            }
            at = start + ((at - start + 4) & ~3);
            chunks.add(new SourceDescription.Chunk(ssrc, items));
        }
        return new SourceDescription(chunks);
    }

    private static Goodbye goodbye(byte[] data, int start, int count, int end) throws RtpFormatException {
        need(Goodbye.PACKET_TYPE, 4 + 4 * count, end - start);
        List<Long> ssrcs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ssrcs.add(RtcpPacket.u32(data, start + 4 + 4 * i));
        }
        int at = start + 4 + 4 * count;
        String reason = "";
        if (at < end) {
            int reasonLength = data[at] & 0xff;
            need(Goodbye.PACKET_TYPE, at + 1 + reasonLength - start, end - start);
            reason = text(data, at + 1, reasonLength);
        }
        return new Goodbye(ssrcs, reason);
    }

    /**
     * Text of at most 255 bytes, UTF-8 as RFC 3550 6.5 says; if it is not (a Latin-1 host name), its non-ASCII
     * bytes read as '?', so that it still fits in 255 bytes and the rest of the compound packet is not lost.
     */
    private static String text(byte[] data, int offset, int length) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(data, offset, length))
                    .toString();
        } catch (CharacterCodingException notUtf8) {
            char[] ascii = new char[length];
            for (int i = 0; i < length; i++) {
                int b = data[offset + i];
                ascii[i] = b >= 0 ? (char) b : '?';
            }
            return new String(ascii);
        }
    }

    private static void need(int type, int bytes, int available) throws RtpFormatException {
        if (bytes > available) {
            throw new RtpFormatException("RTCP packet type " + type + " needs " + bytes + " bytes, has " + available);
        }
    }
}
