package io.kvr.media.bmff;

/**
 * TrackFragmentBaseMediaDecodeTimeBox {@code tfdt} (ISO/IEC 14496-12 8.8.12): the decode time of the fragment's
 * first sample. Always version 1: a 90 kHz clock passes 32 bits after 13 hours, and a fixed size keeps every
 * moof's size computable from its sample counts.
 */
public record TrackFragmentBaseMediaDecodeTimeBox(long baseMediaDecodeTime) implements Box {
    public static final int SIZE = FULL_HEADER_SIZE + 8;

    @Override
    public long size() {
        return SIZE;
    }

    @Override
    public void write(BoxWriter w) {
        int tfdt = w.beginFull("tfdt", 1, 0);
        w.u64(baseMediaDecodeTime);
        w.end(tfdt);
    }
}
