package io.kvr.index;

import io.kvr.schemas.SegmentRecord;

/**
 * A segment as the index holds it. {@code ordinal} numbers a stream's distinct segments from 0 in the order
 * they were announced (the HLS media sequence); {@code discontinuities} counts the ingest-session or codec
 * changes before it (the HLS discontinuity sequence). Both are deterministic functions of the segments topic.
 */
public record IndexedSegment(long ordinal, long discontinuities, SegmentRecord segment) {}
