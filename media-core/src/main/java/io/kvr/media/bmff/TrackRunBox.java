package io.kvr.media.bmff;

/**
 * TrackRunBox {@code trun} (ISO/IEC 14496-12 8.8.8) with a data offset and, per sample, duration, size, flags
 * (8.8.3.1: sync or not) and, when {@code compositionOffsets} is not null, composition offset.
 *
 * @param version 1 when a composition offset may be negative (signed), else 0
 * @param dataOffset of the first sample's data from the moof's start (tfhd default-base-is-moof)
 * @param sampleDurations per sample, in the track's timescale
 * @param sampleSizes per sample, in bytes
 * @param syncSamples 0-based indexes of the sync samples, ascending
 * @param compositionOffsets per sample, presentation minus decode time; null to leave the field out
 */
public record TrackRunBox(
        int version,
        long dataOffset,
        int[] sampleDurations,
        int[] sampleSizes,
        int[] syncSamples,
        int[] compositionOffsets)
        implements Box {
    /** sample_depends_on = 2: depends on no other sample. */
    public static final int SYNC_SAMPLE_FLAGS = 0x0200_0000;
    /** sample_depends_on = 1, sample_is_non_sync_sample = 1. */
    public static final int NON_SYNC_SAMPLE_FLAGS = 0x0101_0000;

    private static final int DATA_OFFSET_PRESENT = 0x000001;
    private static final int SAMPLE_DURATION_PRESENT = 0x000100;
    private static final int SAMPLE_SIZE_PRESENT = 0x000200;
    private static final int SAMPLE_FLAGS_PRESENT = 0x000400;
    private static final int SAMPLE_COMPOSITION_TIME_OFFSETS_PRESENT = 0x000800;

    public TrackRunBox {
        int n = sampleSizes.length;
        if (sampleDurations.length != n || (compositionOffsets != null && compositionOffsets.length != n)) {
            throw new IllegalArgumentException("per-sample arrays of different lengths");
        }
    }

    /**
     * A run whose fields follow from its samples: composition offsets only when one is not 0, version 1 only when
     * one is negative.
     */
    public static TrackRunBox of(
            long dataOffset, int[] sampleDurations, int[] sampleSizes, int[] syncSamples, int[] compositionOffsets) {
        boolean any = false;
        boolean negative = false;
        for (int offset : compositionOffsets) {
            any |= offset != 0;
            negative |= offset < 0;
        }
        return new TrackRunBox(
                negative ? 1 : 0,
                dataOffset,
                sampleDurations,
                sampleSizes,
                syncSamples,
                any ? compositionOffsets : null);
    }

    /** The size of a run of {@code sampleCount} samples, with or without composition offsets. */
    public static long size(int sampleCount, boolean compositionOffsets) {
        return FULL_HEADER_SIZE + 4 + 4 + (long) sampleCount * (compositionOffsets ? 16 : 12);
    }

    public int sampleCount() {
        return sampleSizes.length;
    }

    @Override
    public long size() {
        return size(sampleCount(), compositionOffsets != null);
    }

    @Override
    public void write(BoxWriter w) {
        int flags = DATA_OFFSET_PRESENT
                | SAMPLE_DURATION_PRESENT
                | SAMPLE_SIZE_PRESENT
                | SAMPLE_FLAGS_PRESENT
                | (compositionOffsets != null ? SAMPLE_COMPOSITION_TIME_OFFSETS_PRESENT : 0);
        int trun = w.beginFull("trun", version, flags);
        int n = sampleCount();
        w.u32(n);
        w.u32(dataOffset & FullBoxFields.U32_MAX);
        int nextSync = 0;
        for (int i = 0; i < n; i++) {
            boolean sync = nextSync < syncSamples.length && syncSamples[nextSync] == i;
            if (sync) {
                nextSync++;
            }
            w.u32(sampleDurations[i] & FullBoxFields.U32_MAX);
            w.u32(sampleSizes[i] & FullBoxFields.U32_MAX);
            w.u32(sync ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS);
            if (compositionOffsets != null) {
                w.u32(compositionOffsets[i] & FullBoxFields.U32_MAX); // signed in version 1
            }
        }
        w.end(trun);
    }
}
