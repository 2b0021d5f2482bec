package io.kvr.index;

import java.util.List;
import java.util.Optional;

/** Time-ordered segments per stream. Results are in ascending start time. */
public interface SegmentIndex {
    /** Every stream that has at least one indexed segment. */
    List<StreamSummary> streams();

    /** The newest {@code limit} segments of {@code streamId} (oldest first); empty for an unknown stream. */
    List<IndexedSegment> latest(String streamId, int limit);

    /** Segments overlapping {@code [startMs, endMs)} of capture wall-clock time. */
    List<IndexedSegment> range(String streamId, long startMs, long endMs);

    /**
     * {@link #range} in the wire form other processes read ({@link HttpSegmentIndex}): an index that keeps its
     * segments in that form passes them through instead of decoding and encoding every record.
     */
    default byte[] rangeEncoded(String streamId, long startMs, long endMs) {
        return new SegmentListCodec().encode(range(streamId, startMs, endMs));
    }

    /** What the index knows of one stream; empty for an unknown stream. Implementations look it up by key. */
    default Optional<StreamSummary> summary(String streamId) {
        return streams().stream().filter(s -> s.streamId().equals(streamId)).findFirst();
    }
}
