package io.kvr.exporter.plan;

import io.kvr.runtime.stream.StreamName;

/**
 * What to export: a stream and a capture wall-clock range {@code [startMs, endMs)}. {@code precise} hides the
 * frames between the keyframe at or before the start and the start itself (an edit list); otherwise the file
 * begins with that keyframe. {@code format} is the file's layout (progressive or fragmented).
 */
public record ExportRange(StreamName stream, long startMs, long endMs, boolean precise, ExportFormat format) {
    public ExportRange {
        if (endMs <= startMs) {
            throw new IllegalArgumentException("empty range " + startMs + ".." + endMs);
        }
        if (format == null) {
            throw new IllegalArgumentException("format is required");
        }
    }

    /** A progressive MP4 of the range. */
    public ExportRange(StreamName stream, long startMs, long endMs, boolean precise) {
        this(stream, startMs, endMs, precise, ExportFormat.MP4);
    }

    public long durationMs() {
        return endMs - startMs;
    }
}
