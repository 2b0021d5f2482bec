package io.kvr.edge.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written date-time digits match {@link DateTimeFormatter} everywhere kvr may meet them. */
class PlaylistDigitsTest {
    private static final DateTimeFormatter PDT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void dateTimesMatchTheFormatter() {
        SplittableRandom random = new SplittableRandom(7);
        long[] fixed = {
            0,
            1,
            999,
            1000,
            86_399_999,
            86_400_000,
            951_782_400_000L /* 2000-02-29 */,
            1_700_000_000_000L,
            4_102_444_799_999L,
            253_402_300_799_999L /* 9999-12-31T23:59:59.999 */
        };
        for (long ms : fixed) {
            check(ms);
        }
        for (int i = 0; i < 100_000; i++) {
            check(random.nextLong(0, 253_402_300_800_000L));
        }
    }

    private static void check(long ms) {
        assertThat(PlaylistBuilder.appendDateTime(new StringBuilder(), ms).toString())
                .as("%d", ms)
                .isEqualTo(PDT.format(Instant.ofEpochMilli(ms)));
    }
}
