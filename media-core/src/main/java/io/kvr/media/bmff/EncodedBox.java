package io.kvr.media.bmff;

/**
 * A box kept as the bytes it was read as, header included, and copied unchanged (a recorded {@code stsd}, so the
 * codec configuration of an export is exactly the recorded one).
 */
public record EncodedBox(byte[] bytes) implements Box {
    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public void write(BoxWriter w) {
        w.bytes(bytes);
    }
}
