package io.kvr.media.bmff;

/**
 * MovieExtendsHeaderBox {@code mehd} (ISO/IEC 14496-12 8.8.2): the duration of the whole fragmented movie, in the
 * movie timescale. Always version 1 (64 bits), so the header's size does not depend on the duration.
 */
public record MovieExtendsHeaderBox(long fragmentDuration) implements Box {
    @Override
    public long size() {
        return FULL_HEADER_SIZE + 8;
    }

    @Override
    public void write(BoxWriter w) {
        int mehd = w.beginFull("mehd", 1, 0);
        w.u64(fragmentDuration);
        w.end(mehd);
    }
}
