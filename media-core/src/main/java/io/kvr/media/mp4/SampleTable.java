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
    /**
     * Durations as runs of equal values (what {@code stts} stores), for samples {@code 0..count-2}: cameras keep a
     * constant frame rate, so a day of samples is a handful of runs. The last sample's duration is
     * {@link #lastDuration} until a next sample fixes it.
     */
    private int[] runLengths = new int[16];

    private int[] runDurations = new int[16];
    private int runs;
    /** Null while every offset is 0 (no B-frames, audio): most tracks never need the array. */
    private int[] compositionOffsets;

    private int[] syncSamples = new int[64];
    private int syncCount;
    private int chunkCount;
    private int[] chunkFirstSample = new int[64];
    private long[] chunkOffsets = new long[64];
    private long firstDecodeTime;
    private long lastDecodeTime;
    private int lastDuration;
    private long payloadBytes;
    /** Where {@link #duration(int)} last looked: sequential reads cost O(1). */
    private int cursorRun;

    private int cursorFirstSample;

    /**
     * Appends a sample. {@code decodeTime} must not go backwards; {@code duration} is used only if no later
     * sample follows (the last sample's duration).
     */
    public void add(long decodeTime, int duration, int size, int compositionOffset, boolean sync) {
        if (chunkCount == 0) {
            throw new IllegalStateException("startChunk before the first sample");
        }
        if (count == sizes.length) {
            sizes = Arrays.copyOf(sizes, grown(count));
        }
        if (count == 0) {
            firstDecodeTime = decodeTime;
        } else {
            long delta = decodeTime - lastDecodeTime;
            if (delta < 0 || delta > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("decode time " + decodeTime + " after " + lastDecodeTime);
            }
            appendDuration((int) delta);
        }
        sizes[count] = size;
        if (compositionOffset != 0 && compositionOffsets == null) {
            compositionOffsets = new int[sizes.length];
        }
        if (compositionOffsets != null) {
            if (compositionOffsets.length < sizes.length) {
                compositionOffsets = Arrays.copyOf(compositionOffsets, sizes.length);
            }
            compositionOffsets[count] = compositionOffset;
        }
        if (sync) {
            if (syncCount == syncSamples.length) {
                syncSamples = Arrays.copyOf(syncSamples, grown(syncCount));
            }
            syncSamples[syncCount++] = count + 1; // stss numbers samples from 1
        }
        lastDecodeTime = decodeTime;
        lastDuration = duration;
        payloadBytes += size;
        count++;
    }

    /** Growth by half: a day's arrays are tens of MB, and doubling would hold twice that while copying. */
    private static int grown(int length) {
        return length + Math.max(16, length >> 1);
    }

    private void appendDuration(int duration) {
        if (runs > 0 && runDurations[runs - 1] == duration) {
            runLengths[runs - 1]++;
            return;
        }
        if (runs == runLengths.length) {
            runLengths = Arrays.copyOf(runLengths, grown(runs));
            runDurations = Arrays.copyOf(runDurations, grown(runs));
        }
        runLengths[runs] = 1;
        runDurations[runs] = duration;
        runs++;
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

    /** Duration of a sample; cheapest when read in order. */
    int duration(int sample) {
        if (sample == count - 1) {
            return lastDuration;
        }
        if (sample < cursorFirstSample) {
            cursorRun = 0;
            cursorFirstSample = 0;
        }
        while (sample >= cursorFirstSample + runLengths[cursorRun]) {
            cursorFirstSample += runLengths[cursorRun];
            cursorRun++;
        }
        return runDurations[cursorRun];
    }

    /** Number of {@code stts} entries: runs of equal durations, the last sample's included. */
    int durationRunCount() {
        return count == 0 ? 0 : runs == 0 || runDurations[runs - 1] != lastDuration ? runs + 1 : runs;
    }

    /** Samples in {@code stts} entry {@code run}. */
    int durationRunLength(int run) {
        if (run == runs) {
            return 1; // the last sample alone
        }
        return run == runs - 1 && runDurations[runs - 1] == lastDuration ? runLengths[run] + 1 : runLengths[run];
    }

    /** The duration of the samples in {@code stts} entry {@code run}. */
    int durationRunValue(int run) {
        return run == runs ? lastDuration : runDurations[run];
    }

    /** The sizes array itself, longer than {@link #sampleCount()}: read, never written, by the sample tables. */
    int[] sizes() {
        return sizes;
    }

    /** The per-sample offsets array itself, or null while every offset is 0. */
    int[] compositionOffsets() {
        return compositionOffsets;
    }

    /** The numbers (from 1) of the sync samples, the first {@link #syncCount()} of the array itself. */
    int[] syncSamples() {
        return syncSamples;
    }

    /** The chunk offsets array itself, the first {@link #chunkCount()} used. */
    long[] chunkOffsets() {
        return chunkOffsets;
    }

    int compositionOffset(int sample) {
        return compositionOffsets == null ? 0 : compositionOffsets[sample];
    }

    boolean anyCompositionOffset() {
        return compositionOffsets != null;
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
