package io.kvr.mediatopic;

import io.kvr.schemas.AccessUnit;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer side of the chunk contract ({@link AccessUnitChunks}, schemas/README.md): feed it every
 * {@link AccessUnit} record of the media topic in partition order and it hands back whole units — at once for a
 * unit written as one record, at its last chunk for a chunked one.
 *
 * <p>Chunks are gathered per (partition, stream): records of other streams may lie between a unit's chunks. A
 * sequence that does not continue as written (the next record of the stream is not the next chunk of the same
 * unit: the writer crashed or lost a record) is dropped with a warning and counted. Chunks whose first chunk
 * this reader never saw (reading began in the middle of a unit) are skipped quietly and counted.
 *
 * <p>Offsets: a whole unit is identified by the offset of its first record ({@link Whole#firstOffset()}); a
 * reader that commits must not commit past the first chunk of a unit it has not finished, see
 * {@link #earliestPendingOffset(int)}.
 *
 * <p>Not thread-safe: one consumer thread owns it.
 */
public final class AccessUnitAssembler {
    private static final Logger log = LoggerFactory.getLogger(AccessUnitAssembler.class);
    /** Bound on one reassembled unit, so damaged chunk fields cannot make a reader buffer without end (64 MiB). */
    public static final int MAX_UNIT_BYTES = 64 * 1024 * 1024;
    /**
     * A pending unit whose next chunk has not come for this long is given up. Longer than the producer's default
     * delivery timeout (120 s), so chunks that a live producer is still retrying are waited for.
     */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(150);

    /** A whole unit and the offsets of its first and last record on its partition. */
    public record Whole(AccessUnit unit, long firstOffset, long lastOffset, int chunks) {
        public boolean chunked() {
            return chunks > 1;
        }
    }

    private final LongSupplier nanoClock;
    private final long maxWaitNanos;
    private final Map<Integer, Map<String, Pending>> pending = new HashMap<>();
    private long assembled;
    private long dropped;
    private long skipped;

    public AccessUnitAssembler() {
        this(System::nanoTime, DEFAULT_MAX_WAIT);
    }

    public AccessUnitAssembler(LongSupplier nanoClock, Duration maxWait) {
        this.nanoClock = nanoClock;
        this.maxWaitNanos = maxWait.toNanos();
    }

    /**
     * One access unit record read at {@code offset} of {@code partition}; the whole unit when this record
     * completes one.
     *
     * @throws IllegalArgumentException when the chunk fields are impossible (bad input; the record is skipped)
     */
    public Optional<Whole> accept(int partition, long offset, AccessUnit record) {
        int index = record.getChunkIndex();
        int count = record.getChunkCount();
        if (count == 1 && index == 0) {
            if (!pending.isEmpty()) {
                interrupt(partition, record.getStreamId(), "a whole unit followed it at offset " + offset);
            }
            return Optional.of(new Whole(record, offset, offset, 1));
        }
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("impossible chunk " + index + " of " + count);
        }
        String stream = record.getStreamId();
        Map<String, Pending> streams = pending.computeIfAbsent(partition, p -> new HashMap<>());
        Pending p = streams.get(stream);
        long now = nanoClock.getAsLong();
        if (index == 0) {
            if (p != null) {
                drop(partition, streams.remove(stream), "a new unit began at offset " + offset);
            }
            streams.put(stream, new Pending(record, offset, record.getPayload(), now));
            return Optional.empty();
        }
        if (p == null) {
            skipped++;
            log.debug(
                    "skipping chunk {} of {} at {}@{}: its unit began before this reader started",
                    index,
                    count,
                    partition,
                    offset);
            return Optional.empty();
        }
        if (!p.continuedBy(record)) {
            streams.remove(stream);
            drop(
                    partition,
                    p,
                    "chunk " + index + "/" + count + " of sequence " + record.getSequence() + " followed at offset "
                            + offset);
            skipped++;
            return Optional.empty();
        }
        ByteBuffer slice = record.getPayload();
        if ((long) p.bytes + slice.remaining() > MAX_UNIT_BYTES) {
            streams.remove(stream);
            drop(partition, p, "larger than " + MAX_UNIT_BYTES + " bytes");
            return Optional.empty();
        }
        p.add(slice, now);
        if (index < count - 1) {
            return Optional.empty();
        }
        streams.remove(stream);
        if (streams.isEmpty()) {
            pending.remove(partition);
        }
        assembled++;
        return Optional.of(new Whole(p.whole(), p.firstOffset, offset, count));
    }

    /** A StreamInfo of {@code streamId}: a new session, so an unfinished unit of the stream will never finish. */
    public void streamInfo(int partition, String streamId, long offset) {
        if (!pending.isEmpty()) {
            interrupt(partition, streamId, "a new session was announced at offset " + offset);
        }
    }

    /**
     * The offset of the first chunk of the oldest unfinished unit on {@code partition}; a reader must not commit
     * past it, or a restart would lose that unit.
     */
    public OptionalLong earliestPendingOffset(int partition) {
        Map<String, Pending> streams = pending.get(partition);
        if (streams == null || streams.isEmpty()) {
            return OptionalLong.empty();
        }
        long min = Long.MAX_VALUE;
        for (Pending p : streams.values()) {
            min = Math.min(min, p.firstOffset);
        }
        return OptionalLong.of(min);
    }

    /** Gives up units whose next chunk has not come within the maximum wait. */
    public void expire() {
        if (pending.isEmpty()) {
            return;
        }
        long now = nanoClock.getAsLong();
        for (var byPartition = pending.entrySet().iterator(); byPartition.hasNext(); ) {
            var partition = byPartition.next();
            for (Iterator<Pending> it = partition.getValue().values().iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (now - p.lastChunkNanos > maxWaitNanos) {
                    it.remove();
                    drop(
                            partition.getKey(),
                            p,
                            "no further chunk for "
                                    + Duration.ofNanos(maxWaitNanos).toSeconds() + " s");
                }
            }
            if (partition.getValue().isEmpty()) {
                byPartition.remove();
            }
        }
    }

    /** Forgets what is pending on partitions this reader no longer reads (revoked, or about to seek). */
    public void forget(int partition) {
        pending.remove(partition);
    }

    /** Units put back together from chunks. */
    public long assembled() {
        return assembled;
    }

    /** Units given up because their chunk sequence was cut off (writer crash, lost record, damaged fields). */
    public long dropped() {
        return dropped;
    }

    /** Chunk records skipped: the tail of a unit that began before this reader did, or after a cut-off sequence. */
    public long skipped() {
        return skipped;
    }

    private void interrupt(int partition, String stream, String reason) {
        Map<String, Pending> streams = pending.get(partition);
        if (streams == null) {
            return;
        }
        Pending p = streams.remove(stream);
        if (p != null) {
            drop(partition, p, reason);
        }
        if (streams.isEmpty()) {
            pending.remove(partition);
        }
    }

    private void drop(int partition, Pending p, String reason) {
        dropped++;
        AccessUnit first = p.first;
        log.warn(
                "dropping incomplete access unit of {} (session {}, sequence {}): {} of {} chunks from partition {} "
                        + "offset {}, then {}",
                first.getStreamId(),
                first.getIngestSessionId(),
                first.getSequence(),
                p.slices.size(),
                first.getChunkCount(),
                partition,
                p.firstOffset,
                reason);
    }

    private static final class Pending {
        final AccessUnit first;
        final long firstOffset;
        final List<ByteBuffer> slices;
        int bytes;
        long lastChunkNanos;

        Pending(AccessUnit first, long firstOffset, ByteBuffer slice, long now) {
            this.first = first;
            this.firstOffset = firstOffset;
            this.slices = new ArrayList<>(first.getChunkCount());
            this.slices.add(slice);
            this.bytes = slice.remaining();
            this.lastChunkNanos = now;
        }

        boolean continuedBy(AccessUnit next) {
            return next.getChunkIndex() == slices.size()
                    && next.getChunkCount() == first.getChunkCount()
                    && next.getSequence() == first.getSequence()
                    && next.getTrack() == first.getTrack()
                    && next.getIngestSessionId().equals(first.getIngestSessionId());
        }

        void add(ByteBuffer slice, long now) {
            slices.add(slice);
            bytes += slice.remaining();
            lastChunkNanos = now;
        }

        /** The first chunk's record, now holding the whole payload (one copy) and marked whole. */
        AccessUnit whole() {
            byte[] all = new byte[bytes];
            int at = 0;
            for (ByteBuffer s : slices) {
                int n = s.remaining();
                s.duplicate().get(all, at, n);
                at += n;
            }
            first.setPayload(ByteBuffer.wrap(all));
            first.setChunkIndex(0);
            first.setChunkCount(1);
            return first;
        }
    }
}
