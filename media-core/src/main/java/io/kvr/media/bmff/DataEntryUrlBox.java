package io.kvr.media.bmff;

/**
 * DataEntryUrlBox {@code url } (ISO/IEC 14496-12 8.7.2) with flag 1 and no location: the media data is in the same
 * file.
 */
public record DataEntryUrlBox() implements Box {
    private static final int SELF_CONTAINED = 1;

    @Override
    public long size() {
        return FULL_HEADER_SIZE;
    }

    @Override
    public void write(BoxWriter w) {
        w.end(w.beginFull("url ", 0, SELF_CONTAINED));
    }
}
