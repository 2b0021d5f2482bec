package io.kvr.media.cmaf;

import java.util.Arrays;

/**
 * Where one track's samples of a media segment are and what they are: enough to build a plain MP4 sample table
 * (stts, ctts, stsz, stss, stco) without reading the segment's moof. The arrays are owned by this record; do not
 * mutate them.
 *
 * @param trackId track_ID
 * @param baseDecodeTime tfdt baseMediaDecodeTime: decode time of the first sample, in the track's timescale
 * @param dataOffset byte offset of the first sample's data from the start of the segment; the samples follow one
 *     another without gaps
 * @param sampleSizes size in bytes of each sample as written (video: length-prefixed, delimiters dropped)
 * @param sampleDurations duration of each sample in the track's timescale
 * @param compositionOffsets presentation minus decode time of each sample
 * @param syncSamples 0-based indexes of the sync samples, ascending
 */
public record TrackRun(
        int trackId,
        long baseDecodeTime,
        long dataOffset,
        int[] sampleSizes,
        int[] sampleDurations,
        int[] compositionOffsets,
        int[] syncSamples) {

    public int sampleCount() {
        return sampleSizes.length;
    }

    /** Sum of the sample durations. */
    public long duration() {
        long sum = 0;
        for (int d : sampleDurations) {
            sum += d;
        }
        return sum;
    }

    /** Sum of the sample sizes. */
    public long dataSize() {
        long sum = 0;
        for (int s : sampleSizes) {
            sum += s;
        }
        return sum;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrackRun r
                && r.trackId == trackId
                && r.baseDecodeTime == baseDecodeTime
                && r.dataOffset == dataOffset
                && Arrays.equals(r.sampleSizes, sampleSizes)
                && Arrays.equals(r.sampleDurations, sampleDurations)
                && Arrays.equals(r.compositionOffsets, compositionOffsets)
                && Arrays.equals(r.syncSamples, syncSamples);
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(baseDecodeTime) * 31 + trackId;
        h = h * 31 + Long.hashCode(dataOffset);
        h = h * 31 + Arrays.hashCode(sampleSizes);
        h = h * 31 + Arrays.hashCode(sampleDurations);
        h = h * 31 + Arrays.hashCode(compositionOffsets);
        return h * 31 + Arrays.hashCode(syncSamples);
    }

    @Override
    public String toString() {
        return "TrackRun[trackId=" + trackId + ", baseDecodeTime=" + baseDecodeTime + ", dataOffset=" + dataOffset
                + ", samples=" + sampleSizes.length + ", syncSamples=" + Arrays.toString(syncSamples) + "]";
    }
}
