package io.kvr.mediatopic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.SampleRecords;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AccessUnitAssemblerTest {
    private final AtomicLong clock = new AtomicLong();
    private final AccessUnitAssembler assembler = new AccessUnitAssembler(clock::get, Duration.ofSeconds(150));
    private final MediaRecords records = new MediaRecords();

    private static AccessUnit unit(String stream, String session, long sequence, int bytes) {
        byte[] payload = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            payload[i] = (byte) (i * 7 + sequence);
        }
        return AccessUnit.newBuilder(SampleRecords.accessUnit())
                .setStreamId(stream)
                .setIngestSessionId(session)
                .setSequence(sequence)
                .setPayload(ByteBuffer.wrap(payload))
                .build();
    }

    /** As a reader meets it: encoded by the writer, decoded from the topic. */
    private AccessUnit read(AccessUnit written) {
        return (AccessUnit) records.decode(null, records.encode(written));
    }

    @Test
    void splitsIntoNearEqualSlicesThatShareThePayload() {
        AccessUnit unit = unit("live/door", "s1", 5, 10_001);

        List<AccessUnit> chunks = AccessUnitChunks.split(unit, 4_000);

        assertThat(chunks).hasSize(3);
        assertThat(chunks).extracting(c -> c.getPayload().remaining()).containsExactly(3_334, 3_334, 3_333);
        assertThat(chunks).extracting(AccessUnit::getChunkIndex).containsExactly(0, 1, 2);
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.getChunkCount()).isEqualTo(3);
            assertThat(c.getSequence()).isEqualTo(5);
            assertThat(c.getPayload().array()).isSameAs(unit.getPayload().array());
        });
        assertThat(unit.getChunkCount()).as("the unit itself is untouched").isEqualTo(1);
        assertThat(AccessUnitChunks.split(unit, 10_001)).containsExactly(unit);
    }

    @Test
    void wholeUnitsPassStraightThrough() {
        AccessUnit unit = read(unit("live/door", "s1", 0, 100));

        Optional<AccessUnitAssembler.Whole> whole = assembler.accept(3, 42, unit);

        assertThat(whole).hasValueSatisfying(w -> {
            assertThat(w.unit()).isSameAs(unit);
            assertThat(w.firstOffset()).isEqualTo(42);
            assertThat(w.lastOffset()).isEqualTo(42);
            assertThat(w.chunked()).isFalse();
        });
        assertThat(assembler.earliestPendingOffset(3)).isEmpty();
    }

    @Test
    void reassemblesChunksInterleavedWithOtherStreamsOnThePartition() {
        AccessUnit big = unit("live/door", "s1", 7, 9_000);
        AccessUnit other = unit("live/yard", "s2", 1, 50);
        List<AccessUnit> chunks = AccessUnitChunks.split(big, 4_000);

        assertThat(assembler.accept(0, 100, read(chunks.get(0)))).isEmpty();
        assertThat(assembler.earliestPendingOffset(0)).hasValue(100);
        assertThat(assembler.accept(0, 101, read(other))).isPresent();
        assertThat(assembler.accept(0, 102, read(chunks.get(1)))).isEmpty();
        Optional<AccessUnitAssembler.Whole> whole = assembler.accept(0, 103, read(chunks.get(2)));

        assertThat(whole).hasValueSatisfying(w -> {
            assertThat(w.firstOffset()).isEqualTo(100);
            assertThat(w.lastOffset()).isEqualTo(103);
            assertThat(w.chunks()).isEqualTo(3);
            assertThat(w.unit()).isEqualTo(big);
            assertThat(w.unit().getChunkCount()).isEqualTo(1);
        });
        assertThat(assembler.earliestPendingOffset(0)).isEmpty();
        assertThat(assembler.assembled()).isEqualTo(1);
        assertThat(assembler.dropped()).isZero();
    }

    @Test
    void theSameStreamOnTwoPartitionsIsGatheredApart() {
        List<AccessUnit> a = AccessUnitChunks.split(unit("live/door", "s1", 1, 300), 200);
        List<AccessUnit> b = AccessUnitChunks.split(unit("live/door", "s1", 1, 300), 200);

        assembler.accept(0, 10, read(a.get(0)));
        assembler.accept(1, 20, read(b.get(0)));

        assertThat(assembler.accept(0, 11, read(a.get(1)))).isPresent();
        assertThat(assembler.accept(1, 21, read(b.get(1)))).isPresent();
    }

    @Test
    void aSequenceCutOffByTheWritersRestartIsDroppedAndCounted() {
        List<AccessUnit> cut = AccessUnitChunks.split(unit("live/door", "s1", 9, 900), 300);
        AccessUnit next = unit("live/door", "s2", 0, 10);

        assembler.accept(2, 50, read(cut.get(0)));
        assembler.accept(2, 51, read(cut.get(1)));
        assertThat(assembler.earliestPendingOffset(2)).hasValue(50);
        assembler.streamInfo(2, "live/door", 52);

        assertThat(assembler.dropped()).isEqualTo(1);
        assertThat(assembler.earliestPendingOffset(2)).isEmpty();
        assertThat(assembler.accept(2, 53, read(next))).isPresent();
    }

    @Test
    void aWholeUnitOrNewFirstChunkAfterAnUnfinishedOneDropsIt() {
        List<AccessUnit> first = AccessUnitChunks.split(unit("live/door", "s1", 1, 900), 300);
        List<AccessUnit> second = AccessUnitChunks.split(unit("live/door", "s1", 2, 600), 300);

        assembler.accept(0, 1, read(first.get(0)));
        assembler.accept(0, 2, read(second.get(0)));
        assertThat(assembler.dropped()).isEqualTo(1);
        assertThat(assembler.accept(0, 3, read(second.get(1))))
                .hasValueSatisfying(w -> assertThat(w.firstOffset()).isEqualTo(2));

        assembler.accept(0, 4, read(first.get(0)));
        assertThat(assembler.accept(0, 5, read(unit("live/door", "s1", 3, 10)))).isPresent();
        assertThat(assembler.dropped()).isEqualTo(2);
    }

    @Test
    void aChunkOfAnotherUnitInTheMiddleDropsBoth() {
        List<AccessUnit> a = AccessUnitChunks.split(unit("live/door", "s1", 1, 900), 300);
        List<AccessUnit> b = AccessUnitChunks.split(unit("live/door", "s1", 2, 900), 300);

        assembler.accept(0, 1, read(a.get(0)));
        assertThat(assembler.accept(0, 2, read(b.get(1)))).isEmpty();
        assertThat(assembler.accept(0, 3, read(a.get(1)))).isEmpty();
        assertThat(assembler.accept(0, 4, read(a.get(2)))).isEmpty();

        assertThat(assembler.dropped()).isEqualTo(1);
        assertThat(assembler.skipped()).isEqualTo(3);
        assertThat(assembler.earliestPendingOffset(0)).isEmpty();
    }

    @Test
    void readingThatStartsInTheMiddleOfAUnitSkipsItsTailQuietly() {
        List<AccessUnit> chunks = AccessUnitChunks.split(unit("live/door", "s1", 1, 900), 300);

        assertThat(assembler.accept(0, 11, read(chunks.get(1)))).isEmpty();
        assertThat(assembler.accept(0, 12, read(chunks.get(2)))).isEmpty();

        assertThat(assembler.skipped()).isEqualTo(2);
        assertThat(assembler.dropped()).isZero();
        assertThat(assembler.earliestPendingOffset(0)).isEmpty();
    }

    @Test
    void aUnitWhoseNextChunkNeverComesIsGivenUpAfterTheMaximumWait() {
        List<AccessUnit> chunks = AccessUnitChunks.split(unit("live/door", "s1", 1, 900), 300);
        assembler.accept(4, 70, read(chunks.get(0)));

        clock.addAndGet(Duration.ofSeconds(149).toNanos());
        assembler.expire();
        assertThat(assembler.earliestPendingOffset(4)).hasValue(70);

        clock.addAndGet(Duration.ofSeconds(2).toNanos());
        assembler.expire();
        assertThat(assembler.earliestPendingOffset(4)).isEmpty();
        assertThat(assembler.dropped()).isEqualTo(1);
    }

    @Test
    void forgettingAPartitionLeavesOthers() {
        assembler.accept(
                0,
                1,
                read(AccessUnitChunks.split(unit("live/a", "s", 1, 20), 10).get(0)));
        assembler.accept(
                1,
                1,
                read(AccessUnitChunks.split(unit("live/b", "s", 1, 20), 10).get(0)));

        assembler.forget(0);

        assertThat(assembler.earliestPendingOffset(0)).isEmpty();
        assertThat(assembler.earliestPendingOffset(1)).hasValue(1);
        assertThat(assembler.dropped()).isZero();
    }

    @Test
    void impossibleChunkFieldsAreBadInput() {
        AccessUnit bad = unit("live/door", "s1", 1, 10);
        bad.setChunkIndex(3);
        bad.setChunkCount(2);

        assertThatThrownBy(() -> assembler.accept(0, 1, bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chunk 3 of 2");
    }

    @Test
    void manyChunksOfOneUnitRoundTrip() {
        AccessUnit big = unit("live/door", "s1", 3, 100_003);
        List<AccessUnit> chunks = AccessUnitChunks.split(big, 1_000);
        List<AccessUnitAssembler.Whole> out = new ArrayList<>();

        for (int i = 0; i < chunks.size(); i++) {
            assembler.accept(0, i, read(chunks.get(i))).ifPresent(out::add);
        }

        assertThat(chunks).hasSize(101);
        assertThat(out).singleElement().satisfies(w -> assertThat(w.unit()).isEqualTo(big));
    }
}
