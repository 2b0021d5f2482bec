package io.kvr.media.bmff;

/**
 * TimeToSampleBox {@code stts} (ISO/IEC 14496-12 8.6.1.2): decode durations as runs of samples with equal
 * durations; entry {@code i} is {@code sampleCounts[i]} samples of {@code sampleDeltas[i]} ticks.
 */
public record TimeToSampleBox(int[] sampleCounts, int[] sampleDeltas) implements Box {
    /** No samples (a fragmented track). */
    public static final TimeToSampleBox EMPTY = new TimeToSampleBox(new int[0], new int[0]);

    public TimeToSampleBox {
        if (sampleCounts.length != sampleDeltas.length) {
            throw new IllegalArgumentException(sampleCounts.length + " counts, " + sampleDeltas.length + " deltas");
        }
    }

    @Override
    public long size() {
        return FULL_HEADER_SIZE + 4 + 8L * sampleCounts.length;
    }

    @Override
    public void write(BoxWriter w) {
        int stts = w.beginFull("stts", 0, 0);
        w.u32(sampleCounts.length);
        for (int i = 0; i < sampleCounts.length; i++) {
            w.u32(sampleCounts[i] & FullBoxFields.U32_MAX);
            w.u32(sampleDeltas[i] & FullBoxFields.U32_MAX);
        }
        w.end(stts);
    }
}
