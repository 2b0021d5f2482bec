package io.kvr.media.bmff;

/**
 * SampleSizeBox {@code stsz} (ISO/IEC 14496-12 8.7.3) with a size per sample: the first {@code count} of
 * {@code sizes}, read, not copied.
 */
public record SampleSizeBox(int[] sizes, int count) implements Box {
    /** No samples (a fragmented track). */
    public static final SampleSizeBox EMPTY = new SampleSizeBox(new int[0], 0);

    @Override
    public long size() {
        return FULL_HEADER_SIZE + 8 + 4L * count;
    }

    @Override
    public void write(BoxWriter w) {
        int stsz = w.beginFull("stsz", 0, 0);
        w.u32(0); // sample_size: each sample has its own
        w.u32(count);
        for (int i = 0; i < count; i++) {
            w.u32(sizes[i] & FullBoxFields.U32_MAX);
        }
        w.end(stsz);
    }
}
