package io.kvr.media.bmff;

/**
 * TrackFragmentHeaderBox {@code tfhd} (ISO/IEC 14496-12 8.8.7) with default-base-is-moof and no defaults: data
 * offsets count from the moof's start, and every trun states its samples' values.
 */
public record TrackFragmentHeaderBox(int trackId) implements Box {
    public static final int SIZE = FULL_HEADER_SIZE + 4;
    private static final int DEFAULT_BASE_IS_MOOF = 0x02_0000;

    @Override
    public long size() {
        return SIZE;
    }

    @Override
    public void write(BoxWriter w) {
        int tfhd = w.beginFull("tfhd", 0, DEFAULT_BASE_IS_MOOF);
        w.u32(trackId);
        w.end(tfhd);
    }
}
