package io.kvr.exporter.plan;

import io.kvr.runtime.stream.StreamName;

/**
 * What to export: a stream and a capture wall-clock range {@code [startMs, endMs)}. {@code precise} hides the
 * frames between the keyframe at or before the start and the start itself (an edit list); otherwise the file
 * begins with that keyframe.
 */
public record ExportRange(StreamName stream, long startMs, long endMs, boolean precise) {
    public ExportRange {
        if (endMs <= startMs) {
            throw new IllegalArgumentException("empty range " + startMs + ".." + endMs);
        }
    }

    public long durationMs() {
        return endMs - startMs;
    }
}
