package io.kvr.segmenter.segment;

import io.kvr.schemas.SegmentRecord;

/**
 * A finished segment waiting to be stored and announced: its init segment (uploaded first when not yet stored),
 * its bytes, and the record that announces it. {@code firstOffset} is where a replay must start to rebuild it.
 */
public record ClosedSegment(
        String initKey,
        byte[] init,
        String objectKey,
        byte[] bytes,
        SegmentRecord record,
        long firstOffset,
        long lastOffset) {}
