package io.kvr.media.cmaf;

import java.util.List;

/**
 * The layout of one media segment: where its boxes are and, per track, where its samples are.
 *
 * @param size total bytes of the segment
 * @param moofOffset offset of the moof box from the segment start
 * @param moofSize size of the moof box
 * @param mdatOffset offset of the mdat box (its header) from the segment start
 * @param mdatSize size of the mdat box, header included
 * @param tracks one run per track that had samples, in moof order
 */
public record SegmentLayout(
        long size, long moofOffset, long moofSize, long mdatOffset, long mdatSize, List<TrackRun> tracks) {

    public SegmentLayout {
        tracks = List.copyOf(tracks);
    }

    /** The run of a track; empty if the track had no samples in this segment. */
    public java.util.Optional<TrackRun> track(int trackId) {
        return tracks.stream().filter(t -> t.trackId() == trackId).findFirst();
    }
}
