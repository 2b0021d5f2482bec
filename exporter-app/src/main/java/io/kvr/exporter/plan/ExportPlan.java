package io.kvr.exporter.plan;

import java.util.List;

/**
 * A planned export file: its header ({@code ftyp}, {@code moov} and the {@code mdat} header, or the fMP4's
 * {@code ftyp} and {@code moov}), the object reads that follow it, in file order, and, for an fMP4, the fragment
 * headers between those reads. {@code firstFrameMs} is the capture time of the keyframe the file's media starts
 * with; {@code durationMs} is what players show.
 */
public record ExportPlan(
        byte[] header,
        List<MediaRead> reads,
        FragmentHeaders fragments,
        long size,
        long firstFrameMs,
        long startMs,
        long durationMs,
        int segments) {
    public ExportPlan {
        reads = List.copyOf(reads);
    }
}
