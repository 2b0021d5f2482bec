package io.kvr.runtime.access;

/**
 * What a credential allows: {@code stream} is {@code app/stream}, {@code app/*} (every stream of the app) or
 * {@code *}; {@code expiresAtSec} is unix seconds; {@code rangeStartMs}/{@code rangeEndMs} (unix milliseconds,
 * {@code [start, end)}) limit the recorded time it opens, or are both null for any time.
 */
public record Grant(String stream, long expiresAtSec, Long rangeStartMs, Long rangeEndMs) {
    /** Everything, forever: what requests get when access control is off. */
    public static final Grant ALL = new Grant("*", Long.MAX_VALUE, null, null);

    public Grant {
        if (stream == null || stream.isEmpty()) {
            throw new IllegalArgumentException("grant needs a stream");
        }
        if ((rangeStartMs == null) != (rangeEndMs == null)) {
            throw new IllegalArgumentException("a grant's range needs both start and end");
        }
        if (rangeStartMs != null && (rangeStartMs < 0 || rangeEndMs <= rangeStartMs)) {
            throw new IllegalArgumentException("a grant's range must be non-negative and end after it starts");
        }
    }

    public boolean hasRange() {
        return rangeStartMs != null;
    }

    /** True when this grant covers stream {@code streamId} ({@code app/stream}). */
    public boolean coversStream(String streamId) {
        if (stream.equals("*") || stream.equals(streamId)) {
            return true;
        }
        if (stream.endsWith("/*")) {
            String app = stream.substring(0, stream.length() - 1);
            return streamId.startsWith(app) && streamId.indexOf('/', app.length()) < 0;
        }
        return false;
    }

    /** True when {@code [startMs, endMs)} lies inside the granted range (always, without a range). */
    public boolean coversRange(long startMs, long endMs) {
        return !hasRange() || (startMs >= rangeStartMs && endMs <= rangeEndMs);
    }

    /** True when {@code [startMs, endMs)} overlaps the granted range (always, without a range). */
    public boolean overlaps(long startMs, long endMs) {
        return !hasRange() || (startMs < rangeEndMs && endMs > rangeStartMs);
    }
}
