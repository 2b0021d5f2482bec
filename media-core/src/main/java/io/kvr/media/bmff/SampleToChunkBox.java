package io.kvr.media.bmff;

import java.util.Arrays;

/**
 * SampleToChunkBox {@code stsc} (ISO/IEC 14496-12 8.7.4): runs of chunks with the same number of samples, all of
 * sample description 1; entry {@code i} starts at chunk {@code firstChunks[i]} (from 1).
 */
public record SampleToChunkBox(int[] firstChunks, int[] samplesPerChunk) implements Box {
    /** No chunks (a fragmented track). */
    public static final SampleToChunkBox EMPTY = new SampleToChunkBox(new int[0], new int[0]);

    public SampleToChunkBox {
        if (firstChunks.length != samplesPerChunk.length) {
            throw new IllegalArgumentException(firstChunks.length + " chunks, " + samplesPerChunk.length + " counts");
        }
    }

    /** The entries of chunks holding {@code samples[k]} samples each: one per change of count. */
    public static SampleToChunkBox ofChunks(int[] samples) {
        int[] first = new int[samples.length];
        int[] perChunk = new int[samples.length];
        int entries = 0;
        for (int k = 0; k < samples.length; k++) {
            if (entries == 0 || perChunk[entries - 1] != samples[k]) {
                first[entries] = k + 1;
                perChunk[entries] = samples[k];
                entries++;
            }
        }
        return new SampleToChunkBox(Arrays.copyOf(first, entries), Arrays.copyOf(perChunk, entries));
    }

    @Override
    public long size() {
        return FULL_HEADER_SIZE + 4 + 12L * firstChunks.length;
    }

    @Override
    public void write(BoxWriter w) {
        int stsc = w.beginFull("stsc", 0, 0);
        w.u32(firstChunks.length);
        for (int i = 0; i < firstChunks.length; i++) {
            w.u32(firstChunks[i]);
            w.u32(samplesPerChunk[i]);
            w.u32(1); // sample_description_index
        }
        w.end(stsc);
    }
}
