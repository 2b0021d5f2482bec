package io.kvr.segmenter.kafka;

import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.AccessUnit;
import io.kvr.segmenter.segment.ClosedSegment;
import io.kvr.segmenter.segment.StreamSegmenter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The cutters of the streams on this instance's partitions, with what the loop needs to commit safely: when each
 * stream was last fed, its last chunked unit, where a rebalance told it to resume, and any closed segment that
 * was not published. No Kafka and no clock of its own: the loop passes times and offsets in.
 */
final class StreamCutters {
    /** A stream quiet this long (3 × its segment duration, at least 6 s) gets its open segment closed. */
    private static final long MIN_IDLE_MS = 6000;

    private final BiFunction<StreamName, Integer, StreamSegmenter> newCutter;
    private final Map<String, Stream> streams = new HashMap<>();
    /** Per stream, the offset a rebalance said it resumes at: its units before it are already stored. */
    private final Map<String, Long> resumeFrom = new HashMap<>();

    private static final class Stream {
        final StreamSegmenter cutter;
        /** When it was last fed, on the loop's reading clock. */
        long lastFedNanos;
        /** The first and last offset of the last unit fed when it came in chunks; null when none. */
        long[] lastChunkedUnit;
        /** The first offset of the oldest closed segment not published; no commit may pass it. */
        long unpublished = Long.MAX_VALUE;

        Stream(StreamSegmenter cutter) {
            this.cutter = cutter;
        }
    }

    /** @param newCutter makes the cutter of a stream first read on a partition */
    StreamCutters(BiFunction<StreamName, Integer, StreamSegmenter> newCutter) {
        this.newCutter = newCutter;
    }

    /** The stream's cutter, made on first use. */
    StreamSegmenter cutter(StreamName name, int partition) {
        return streams.computeIfAbsent(name.id(), id -> new Stream(newCutter.apply(name, partition))).cutter;
    }

    /** True when {@code unit} starts a session its stream's cutter has not seen (also when it has no cutter yet). */
    boolean startsSession(StreamName name, AccessUnit unit) {
        Stream s = streams.get(name.id());
        return s == null || s.cutter.startsSession(unit);
    }

    /** The stream was fed a unit at {@code readingNanos}; {@code chunkedUnit} holds its first and last offset when chunked. */
    void fed(String streamId, long readingNanos, long[] chunkedUnit) {
        Stream s = streams.get(streamId);
        s.lastFedNanos = readingNanos;
        if (chunkedUnit != null) {
            s.lastChunkedUnit = chunkedUnit;
        }
    }

    /**
     * A segment that was closed but not published (storage given up on while stopping, or an error): the
     * stream's commits stay at its first unit, so a restart rebuilds it.
     */
    void unpublished(String streamId, ClosedSegment segment) {
        Stream s = streams.get(streamId);
        if (s != null) {
            s.unpublished = Math.min(s.unpublished, segment.firstOffset());
        }
    }

    /** Cutters with an open segment fed nothing for longer than their idle limit. */
    List<StreamSegmenter> idle(long readingNanos) {
        List<StreamSegmenter> out = new ArrayList<>();
        for (Stream s : streams.values()) {
            long limit = Duration.ofMillis(Math.max(3 * s.cutter.policy().segmentDurationMs(), MIN_IDLE_MS))
                    .toNanos();
            if (s.cutter.hasOpenSegment() && readingNanos - s.lastFedNanos > limit) {
                out.add(s.cutter);
            }
        }
        return out;
    }

    Collection<StreamSegmenter> all() {
        return streams.values().stream().map(s -> s.cutter).toList();
    }

    /**
     * Per stream of {@code partition}, the offset a replay must start at to rebuild what it has not published:
     * its open segment's first unit (or after its last unit), moved past a chunked unit it falls inside, never
     * past an unpublished segment, and at most {@code upTo}, the partition's next offset to read.
     */
    Map<String, Long> resumeOffsets(int partition, long upTo) {
        Map<String, Long> out = new HashMap<>();
        for (var e : streams.entrySet()) {
            Stream s = e.getValue();
            if (s.cutter.partition() == partition) {
                long r = Math.min(unitBoundary(s, s.cutter.resumeOffset()), s.unpublished);
                out.put(e.getKey(), Math.min(r, upTo));
            }
        }
        return out;
    }

    /**
     * A resume point moved past the last chunked unit fed when it falls inside it: a cutter with no open segment
     * resumes after the last offset it was fed, which for a chunked unit is its first chunk, while the unit ends
     * at its last.
     */
    private static long unitBoundary(Stream s, long resume) {
        long[] unit = s.lastChunkedUnit;
        return unit != null && resume > unit[0] && resume <= unit[1] ? unit[1] + 1 : resume;
    }

    /** Resume points read from a partition's committed metadata after an assignment. */
    void resumeFrom(Map<String, Long> points) {
        resumeFrom.putAll(points);
    }

    /** True when the stream's unit at {@code offset} lies before its resume point, so it is already stored. */
    boolean alreadyStored(String streamId, long offset) {
        Long resume = resumeFrom.get(streamId);
        if (resume == null) {
            return false;
        }
        if (offset < resume) {
            return true;
        }
        resumeFrom.remove(streamId);
        return false;
    }

    /** Forgets the streams of partitions this instance no longer reads. */
    void forget(Collection<Integer> partitions) {
        streams.values().removeIf(s -> partitions.contains(s.cutter.partition()));
    }
}
