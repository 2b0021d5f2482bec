package io.kvr.runtime.index;

import java.util.List;

/** Time-ordered segments per stream. Results are in ascending start time. */
public interface SegmentIndex {
    /** Every stream that has at least one indexed segment. */
    List<StreamSummary> streams();

    /** The newest {@code limit} segments of {@code streamId} (oldest first); empty for an unknown stream. */
    List<IndexedSegment> latest(String streamId, int limit);

    /** Segments overlapping {@code [startMs, endMs)} of capture wall-clock time. */
    List<IndexedSegment> range(String streamId, long startMs, long endMs);
}
