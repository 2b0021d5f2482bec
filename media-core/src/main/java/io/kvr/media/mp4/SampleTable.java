package io.kvr.media.mp4;

import java.util.Arrays;

/**
 * One track's samples in decode order and the chunks they are stored in, in primitive arrays (a 24 h export has
 * millions of samples). Decode times are on the export's output timeline, in the track's timescale; gaps between
 * samples become longer sample durations, so time is never squeezed. A chunk is a run of samples that lies
 * contiguously in the output {@code mdat}, at an offset counted from the start of the {@code mdat} payload.
 */
public final class SampleTable {
    private int count;
    private int[] sizes = new int[1024];
    private int[] durations = new int[1024];
    private int[] compositionOffsets = new int[1024];
    private boolean anyCompositionOffset;
    private int[] syncSamples = new int[64];
    private int syncCount;
    private int chunkCount;
    private int[] chunkFirstSample = new int[64];
    private long[] chunkOffsets = new long[64];
    private long firstDecodeTime;
    private long lastDecodeTime;
    private int lastDuration;
    private long payloadBytes;

    /**
     * Appends a sample. {@code decodeTime} must not go backwards; {@code duration} is used only if no later
     * sample follows (the last sample's duration).
     */
    public void add(long decodeTime, int duration, int size, int compositionOffset, boolean sync) {
        if (count == sizes.length) {
            int n = count * 2;
            sizes = Arrays.copyOf(sizes, n);
            durations = Arrays.copyOf(durations, n);
            compositionOffsets = Arrays.copyOf(compositionOffsets, n);
        }
        if (count == 0) {
            firstDecodeTime = decodeTime;
        } else {
            long delta = decodeTime - lastDecodeTime;
            if (delta < 0 || delta > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("decode time " + decodeTime + " after " + lastDecodeTime);
            }
            durations[count - 1] = (int) delta;
        }
        if (chunkCount == 0) {
            throw new IllegalStateException("startChunk before the first sample");
        }
        sizes[count] = size;
        durations[count] = duration;
        compositionOffsets[count] = compositionOffset;
        anyCompositionOffset |= compositionOffset != 0;
        if (sync) {
            if (syncCount == syncSamples.length) {
                syncSamples = Arrays.copyOf(syncSamples, syncCount * 2);
            }
            syncSamples[syncCount++] = count + 1; // stss numbers samples from 1
        }
        lastDecodeTime = decodeTime;
        lastDuration = duration;
        payloadBytes += size;
        count++;
    }

    /** Starts a chunk at {@code mdatOffset} (from the start of the mdat payload); the following samples fill it. */
    public void startChunk(long mdatOffset) {
        if (chunkCount > 0 && chunkFirstSample[chunkCount - 1] == count) {
            chunkOffsets[chunkCount - 1] = mdatOffset; // the previous chunk got no sample: reuse it
            return;
        }
        if (chunkCount == chunkOffsets.length) {
            chunkFirstSample = Arrays.copyOf(chunkFirstSample, chunkCount * 2);
            chunkOffsets = Arrays.copyOf(chunkOffsets, chunkCount * 2);
        }
        chunkFirstSample[chunkCount] = count;
        chunkOffsets[chunkCount] = mdatOffset;
        chunkCount++;
    }

    public int sampleCount() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** Output-timeline decode time of the first sample (media time 0 of the track). */
    public long firstDecodeTime() {
        return firstDecodeTime;
    }

    /** Output-timeline decode time of the last sample. */
    public long lastDecodeTime() {
        return lastDecodeTime;
    }

    /** Output-timeline decode time just after the last sample. */
    public long endDecodeTime() {
        return count == 0 ? firstDecodeTime : lastDecodeTime + lastDuration;
    }

    /** Sum of the sample durations, in the track's timescale. */
    public long mediaDuration() {
        return endDecodeTime() - firstDecodeTime;
    }

    public long payloadBytes() {
        return payloadBytes;
    }

    int size(int sample) {
        return sizes[sample];
    }

    int duration(int sample) {
        return durations[sample];
    }

    int compositionOffset(int sample) {
        return compositionOffsets[sample];
    }

    boolean anyCompositionOffset() {
        return anyCompositionOffset;
    }

    int syncCount() {
        return syncCount;
    }

    int syncSample(int i) {
        return syncSamples[i];
    }

    boolean isSync(int sample) {
        return syncCount == count || Arrays.binarySearch(syncSamples, 0, syncCount, sample + 1) >= 0;
    }

    /** Chunks that hold at least one sample. */
    int chunkCount() {
        return chunkCount > 0 && chunkFirstSample[chunkCount - 1] == count ? chunkCount - 1 : chunkCount;
    }

    int chunkFirstSample(int chunk) {
        return chunkFirstSample[chunk];
    }

    int chunkSamples(int chunk) {
        int end = chunk + 1 < chunkCount() ? chunkFirstSample[chunk + 1] : count;
        return end - chunkFirstSample[chunk];
    }

    long chunkOffset(int chunk) {
        return chunkOffsets[chunk];
    }
}
