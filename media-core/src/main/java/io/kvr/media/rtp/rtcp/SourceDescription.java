package io.kvr.media.rtp.rtcp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * An RTCP source description (RFC 3550 6.5, packet type 202): per source, items such as the CNAME that ties a
 * sender's streams together across SSRC changes.
 *
 * @param chunks at most 31
 */
public record SourceDescription(List<Chunk> chunks) implements RtcpPacket {

    public static final int PACKET_TYPE = 202;

    /** Item type of the canonical name (RFC 3550 6.5.1). */
    public static final int CNAME = 1;

    public SourceDescription {
        chunks = List.copyOf(chunks);
        if (chunks.size() > 31) {
            throw new IllegalArgumentException(chunks.size() + " SDES chunks in one packet");
        }
    }

    /** The source description kvr sends: one source and its CNAME. */
    public static SourceDescription cname(long ssrc, String cname) {
        return new SourceDescription(List.of(new Chunk(ssrc, List.of(new Item(CNAME, cname)))));
    }

    /**
     * The items of one source.
     *
     * @param items in the order sent
     */
    public record Chunk(long ssrc, List<Item> items) {

        public Chunk {
            RtcpPacket.checkU32("SSRC", ssrc);
            items = List.copyOf(items);
        }

        /** The first CNAME item's text, if any. */
        public Optional<String> cname() {
            return items.stream().filter(i -> i.type() == CNAME).map(Item::text).findFirst();
        }

        /** Bytes taken: SSRC, items, a null item and padding to a 32-bit boundary (RFC 3550 6.5). */
        int size() {
            int size = 4 + 1;
            for (Item item : items) {
                size += 2 + item.utf8().length;
            }
            return (size + 3) & ~3;
        }
    }

    /**
     * One SDES item.
     *
     * @param type 1..255 (CNAME, NAME, EMAIL, ... RFC 3550 6.5); 0 ends a chunk and is no item
     * @param text UTF-8, at most 255 bytes
     */
    public record Item(int type, String text) {

        public Item {
            if (type < 1 || type > 255) {
                throw new IllegalArgumentException("SDES item type " + type);
            }
            if (text.getBytes(StandardCharsets.UTF_8).length > 255) {
                throw new IllegalArgumentException("SDES item longer than 255 bytes");
            }
        }

        byte[] utf8() {
            return text.getBytes(StandardCharsets.UTF_8);
        }
    }

    @Override
    public int size() {
        int size = 4;
        for (Chunk chunk : chunks) {
            size += chunk.size();
        }
        return size;
    }

    @Override
    public void write(byte[] out, int offset) {
        int size = size();
        RtcpPacket.writeHeader(out, offset, chunks.size(), PACKET_TYPE, size);
        int at = offset + 4;
        for (Chunk chunk : chunks) {
            int end = at + chunk.size();
            RtcpPacket.putU32(out, at, chunk.ssrc());
            at += 4;
            for (Item item : chunk.items()) {
                byte[] text = item.utf8();
                out[at] = (byte) item.type();
                out[at + 1] = (byte) text.length;
                System.arraycopy(text, 0, out, at + 2, text.length);
                at += 2 + text.length;
            }
            // the null item that ends the list, and the padding to the chunk's end, are zero
            while (at < end) {
                out[at++] = 0;
            }
        }
    }
}
