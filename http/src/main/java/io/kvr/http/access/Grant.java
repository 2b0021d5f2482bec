package io.kvr.http.access;

import java.util.List;

/**
 * What a credential allows: its {@code role}; the {@code streams} it covers, each {@code app/stream},
 * {@code app/*} (every stream of the app) or {@code *} (none for an anonymous request); {@code expiresAtSec} in
 * unix seconds; {@code rangeStartMs}/{@code rangeEndMs} (unix milliseconds, {@code [start, end)}) limit the
 * recorded time it opens, or are both null for any time.
 */
public record Grant(List<String> streams, long expiresAtSec, Long rangeStartMs, Long rangeEndMs, Role role) {
    /** Everything, forever: what requests get when access control is off. */
    public static final Grant ALL = new Grant(List.of("*"), Long.MAX_VALUE, null, null, Role.ADMIN);
    /** Nothing: what a request to a public route carries when access control is on. */
    public static final Grant NONE = new Grant(List.of(), 0, null, null, Role.PUBLIC);

    public Grant {
        streams = List.copyOf(streams);
        for (String s : streams) {
            if (s == null || s.isEmpty()) {
                throw new IllegalArgumentException("grant needs a stream");
            }
        }
        if (role == null) {
            throw new IllegalArgumentException("grant needs a role");
        }
        if ((rangeStartMs == null) != (rangeEndMs == null)) {
            throw new IllegalArgumentException("a grant's range needs both start and end");
        }
        if (rangeStartMs != null && (rangeStartMs < 0 || rangeEndMs <= rangeStartMs)) {
            throw new IllegalArgumentException("a grant's range must be non-negative and end after it starts");
        }
    }

    /** A viewer's grant of one stream (what tokens minted before roles existed grant). */
    public Grant(String stream, long expiresAtSec, Long rangeStartMs, Long rangeEndMs) {
        this(stream, expiresAtSec, rangeStartMs, rangeEndMs, Role.VIEWER);
    }

    public Grant(String stream, long expiresAtSec, Long rangeStartMs, Long rangeEndMs, Role role) {
        this(List.of(requireStream(stream)), expiresAtSec, rangeStartMs, rangeEndMs, role);
    }

    private static String requireStream(String stream) {
        if (stream == null || stream.isEmpty()) {
            throw new IllegalArgumentException("grant needs a stream");
        }
        return stream;
    }

    /** The streams as one text, comma-separated, for messages. */
    public String stream() {
        return String.join(",", streams);
    }

    public boolean hasRange() {
        return rangeStartMs != null;
    }

    /** True when this grant covers stream {@code streamId} ({@code app/stream}). */
    public boolean coversStream(String streamId) {
        for (String s : streams) {
            if (s.equals("*") || s.equals(streamId)) {
                return true;
            }
            if (s.endsWith("/*")) {
                String app = s.substring(0, s.length() - 1);
                if (streamId.startsWith(app) && streamId.indexOf('/', app.length()) < 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True when this grant covers every stream of application {@code app}, present and future. */
    public boolean coversApp(String app) {
        return streams.contains("*") || streams.contains(app + "/*");
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
