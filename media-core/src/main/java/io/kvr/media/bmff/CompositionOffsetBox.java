package io.kvr.media.bmff;

/**
 * CompositionOffsetBox {@code ctts} (ISO/IEC 14496-12 8.6.1.3) of the first {@code sampleCount} per-sample offsets
 * (presentation minus decode time) in {@code sampleOffsets}, written as runs of equal offsets; version 1 (signed
 * offsets) only when one is negative. The array is read, not copied: a day's table is millions of entries.
 */
public record CompositionOffsetBox(int[] sampleOffsets, int sampleCount) implements Box {
    @Override
    public long size() {
        return FULL_HEADER_SIZE + 4 + 8L * entryCount();
    }

    @Override
    public void write(BoxWriter w) {
        boolean negative = false;
        for (int i = 0; i < sampleCount && !negative; i++) {
            negative = sampleOffsets[i] < 0;
        }
        int ctts = w.beginFull("ctts", negative ? 1 : 0, 0);
        w.u32(entryCount());
        for (int i = 0; i < sampleCount; ) {
            int j = runEnd(i);
            w.u32(j - i);
            w.u32(sampleOffsets[i] & FullBoxFields.U32_MAX); // signed in version 1
            i = j;
        }
        w.end(ctts);
    }

    private int entryCount() {
        int entries = 0;
        for (int i = 0; i < sampleCount; i = runEnd(i)) {
            entries++;
        }
        return entries;
    }

    private int runEnd(int i) {
        int j = i + 1;
        while (j < sampleCount && sampleOffsets[j] == sampleOffsets[i]) {
            j++;
        }
        return j;
    }
}
