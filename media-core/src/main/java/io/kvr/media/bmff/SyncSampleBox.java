package io.kvr.media.bmff;

/**
 * SyncSampleBox {@code stss} (ISO/IEC 14496-12 8.6.2): the numbers (from 1, ascending) of the sync samples, the
 * first {@code count} of {@code sampleNumbers}. Absent when every sample is a sync sample.
 */
public record SyncSampleBox(int[] sampleNumbers, int count) implements Box {
    @Override
    public long size() {
        return FULL_HEADER_SIZE + 4 + 4L * count;
    }

    @Override
    public void write(BoxWriter w) {
        int stss = w.beginFull("stss", 0, 0);
        w.u32(count);
        for (int i = 0; i < count; i++) {
            w.u32(sampleNumbers[i]);
        }
        w.end(stss);
    }
}
