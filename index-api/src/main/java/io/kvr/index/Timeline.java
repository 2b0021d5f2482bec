package io.kvr.index;

import io.kvr.schemas.SegmentRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * What is recorded in a time range: spans of contiguous segments and the gaps between them, each gap with a
 * reason. Segments are contiguous when the next starts within {@link #CONTIGUOUS_MS} of the previous end, in the
 * same ingest session and with the same init segment (codec configuration).
 */
public final class Timeline {
    /** Segment boundaries jitter by a frame or two; more than this is missing time. */
    public static final long CONTIGUOUS_MS = 500;

    public static final String CAMERA_OFFLINE = "camera offline";
    public static final String NEW_INGEST_SESSION = "new ingest session";
    public static final String CODEC_CHANGE = "codec change";
    public static final String NOT_RECORDED = "not recorded";
    public static final String NO_RECORDING = "no recording";
    /** A recording policy switched recording off (the segmenter marks the last segment before it stopped). */
    public static final String RECORDING_DISABLED = "recording disabled";

    /** A recorded span; {@code segments} counts the segments in it. */
    public record Span(long start, long end, long duration, int segments) {}

    /** Missing time with the reason the index can tell. */
    public record Gap(long start, long end, long duration, String reason) {}

    public record Result(List<Span> spans, List<Gap> gaps) {}

    private Timeline() {}

    /**
     * Spans and gaps of {@code segments} (ascending start, overlapping {@code [from, to)}), clipped to the range.
     * Time before the first and after the last segment is a gap "no recording", unless the last segment is where
     * the segmenter stopped recording on purpose (then the gap has that reason, e.g. "recording disabled").
     */
    public static Result of(List<IndexedSegment> segments, long from, long to) {
        List<Span> spans = new ArrayList<>();
        List<Gap> gaps = new ArrayList<>();
        if (segments.isEmpty()) {
            gaps.add(gap(from, to, NO_RECORDING));
            return new Result(spans, gaps);
        }
        SegmentRecord first = segments.get(0).segment();
        if (first.getStartTimeMs() > from) {
            gaps.add(gap(from, first.getStartTimeMs(), NO_RECORDING));
        }
        long spanStart = first.getStartTimeMs();
        int count = 1;
        SegmentRecord previous = first;
        for (int i = 1; i < segments.size(); i++) {
            SegmentRecord s = segments.get(i).segment();
            String reason = breakReason(previous, s);
            if (reason != null) {
                spans.add(span(spanStart, previous.getEndTimeMs(), from, to, count));
                if (s.getStartTimeMs() > previous.getEndTimeMs()) {
                    gaps.add(gap(Math.max(from, previous.getEndTimeMs()), Math.min(to, s.getStartTimeMs()), reason));
                }
                spanStart = s.getStartTimeMs();
                count = 0;
            }
            count++;
            previous = s;
        }
        spans.add(span(spanStart, previous.getEndTimeMs(), from, to, count));
        if (previous.getEndTimeMs() < to) {
            String reason =
                    previous.getRecordingStopReason() != null ? previous.getRecordingStopReason() : NO_RECORDING;
            gaps.add(gap(previous.getEndTimeMs(), to, reason));
        }
        return new Result(spans, gaps);
    }

    /** Why {@code next} does not continue {@code previous}, or null when it does. */
    public static String breakReason(SegmentRecord previous, SegmentRecord next) {
        long hole = next.getStartTimeMs() - previous.getEndTimeMs();
        if (previous.getRecordingStopReason() != null && hole > CONTIGUOUS_MS) {
            return previous.getRecordingStopReason();
        }
        if (!next.getIngestSessionId().equals(previous.getIngestSessionId())) {
            // a reconnect that took longer than a couple of segments is the camera being away
            return hole > 2 * Math.max(previous.getDurationMs(), 1000) ? CAMERA_OFFLINE : NEW_INGEST_SESSION;
        }
        if (!fileName(next.getInitKey()).equals(fileName(previous.getInitKey()))) {
            return CODEC_CHANGE;
        }
        return hole > CONTIGUOUS_MS ? NOT_RECORDED : null;
    }

    /** An init key without its directory: a storage prefix change alone is no codec change. */
    private static String fileName(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    private static Span span(long start, long end, long from, long to, int segments) {
        long s = Math.max(start, from);
        long e = Math.min(end, to);
        return new Span(s, e, Math.max(0, e - s), segments);
    }

    private static Gap gap(long start, long end, String reason) {
        return new Gap(start, end, Math.max(0, end - start), reason);
    }
}
