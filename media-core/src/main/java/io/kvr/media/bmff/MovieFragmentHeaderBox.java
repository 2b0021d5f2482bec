package io.kvr.media.bmff;

/** MovieFragmentHeaderBox {@code mfhd} (ISO/IEC 14496-12 8.8.5): the fragment's sequence number. */
public record MovieFragmentHeaderBox(long sequenceNumber) implements Box {
    public static final int SIZE = FULL_HEADER_SIZE + 4;

    @Override
    public long size() {
        return SIZE;
    }

    @Override
    public void write(BoxWriter w) {
        int mfhd = w.beginFull("mfhd", 0, 0);
        w.u32(sequenceNumber);
        w.end(mfhd);
    }
}
