package io.kvr.media.bmff;

/**
 * The header of a MediaDataBox {@code mdat} (ISO/IEC 14496-12 8.1.1) of {@code payloadSize} bytes: the payload
 * follows it, written by the caller (often streamed, never held). A 64-bit largesize only when the box passes 4 GiB.
 */
public record MediaDataBox(long payloadSize) {
    public int headerSize() {
        return payloadSize + Box.HEADER_SIZE > FullBoxFields.U32_MAX ? 16 : Box.HEADER_SIZE;
    }

    /** The whole box: header and payload. */
    public long size() {
        return headerSize() + payloadSize;
    }

    public void writeHeader(BoxWriter w) {
        if (headerSize() == 16) {
            w.u32(1); // size 1: largesize follows the type
            w.fourcc("mdat");
            w.u64(payloadSize + 16);
        } else {
            w.u32(payloadSize + Box.HEADER_SIZE);
            w.fourcc("mdat");
        }
    }
}
