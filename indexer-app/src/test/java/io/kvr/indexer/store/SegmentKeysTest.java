package io.kvr.indexer.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class SegmentKeysTest {
    private static final long[] TIMES = {
        Long.MIN_VALUE,
        -1_000_000L,
        -1,
        0,
        1,
        255,
        256,
        65_536,
        Integer.MAX_VALUE,
        1L << 40,
        1_700_000_000_000L,
        Long.MAX_VALUE - 1,
        Long.MAX_VALUE
    };

    @Test
    void byteOrderIsTimeThenSequenceOrderIncludingNegativeAndLargeValues() {
        List<long[]> inOrder = new ArrayList<>();
        for (long t : TIMES) {
            for (long seq : new long[] {Long.MIN_VALUE, -1, 0, 1, 1L << 33, Long.MAX_VALUE}) {
                inOrder.add(new long[] {t, seq});
            }
        }
        List<Bytes> keys = new ArrayList<>();
        inOrder.forEach(p -> keys.add(SegmentKeys.of("live/door", p[0], p[1])));

        List<Bytes> sorted = new ArrayList<>(keys);
        Collections.shuffle(sorted, new java.util.Random(7));
        Collections.sort(sorted);

        assertThat(sorted).containsExactlyElementsOf(keys);
    }

    @Test
    void keysOfDifferentStreamsNeverInterleaveEvenWhenOneIdIsAPrefixOfAnother() {
        List<String> streams = List.of("a/b", "a/bc", "a/b-", "a/b.c", "a/b_", "a/a", "a/B", "a/b0", "ab/b", "a-/b");
        List<Bytes> all = new ArrayList<>();
        for (String s : streams) {
            for (long t : TIMES) {
                all.add(SegmentKeys.of(s, t, 0));
            }
        }

        for (String s : streams) {
            Bytes first = SegmentKeys.first(s);
            Bytes last = SegmentKeys.last(s);
            for (Bytes key : all) {
                boolean inRange = key.compareTo(first) >= 0 && key.compareTo(last) <= 0;
                assertThat(inRange)
                        .as("key %s in range of %s", key, s)
                        .isEqualTo(streamOf(key).equals(s));
            }
        }
    }

    @Test
    void firstAndLastBoundEveryKeyOfTheStream() {
        for (long t : TIMES) {
            Bytes key = SegmentKeys.of("a/b", t, t);
            assertThat(key.compareTo(SegmentKeys.first("a/b"))).isGreaterThanOrEqualTo(0);
            assertThat(key.compareTo(SegmentKeys.last("a/b"))).isLessThanOrEqualTo(0);
        }
    }

    @Test
    void layoutIsIdZeroStartSequence() {
        byte[] key = SegmentKeys.of("a/b", 0, 1).get();

        assertThat(key).hasSize(3 + 1 + 16);
        assertThat(new String(key, 0, 3, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("a/b");
        assertThat(key[3]).isZero();
        assertThat(java.nio.ByteBuffer.wrap(key, 4, 16).getLong()).isEqualTo(Long.MIN_VALUE); // 0 with the sign flipped
    }

    private static String streamOf(Bytes key) {
        byte[] b = key.get();
        int zero = 0;
        while (b[zero] != 0) {
            zero++;
        }
        return new String(b, 0, zero, java.nio.charset.StandardCharsets.UTF_8);
    }
}
