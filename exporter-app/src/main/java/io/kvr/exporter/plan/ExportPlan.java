package io.kvr.exporter.plan;

import java.util.List;

/**
 * A planned export file: its header ({@code ftyp}, {@code moov} and the {@code mdat} header, or the fMP4 init
 * segment) and the object reads that follow it, in file order. {@code firstFrameMs} is the capture time of
 * the keyframe the file's media starts with; {@code durationMs} is what players show.
 */
public record ExportPlan(byte[] header, List<MediaRead> reads, long size, long firstFrameMs, long startMs,
                         long durationMs, int segments) {
    public ExportPlan {
        reads = List.copyOf(reads);
    }
}
