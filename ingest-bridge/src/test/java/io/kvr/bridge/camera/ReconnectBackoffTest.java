package io.kvr.bridge.camera;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {
    /** The delays (ms) before each of {@code attempts} attempts that all fail, after a session that streamed. */
    private static List<Long> delays(ReconnectBackoff b, long streamedMs, int attempts) {
        List<Long> out = new ArrayList<>();
        long now = 0;
        long streamed = streamedMs;
        for (int i = 0; i < attempts; i++) {
            long d = b.delayAfter(streamed, now);
            out.add(d);
            streamed = -1;
            now += d;
        }
        return out;
    }

    /** Each delay is its base plus at most 25 % jitter. */
    private static void assertBases(List<Long> delays, long... basesSeconds) {
        assertThat(delays).hasSize(basesSeconds.length);
        for (int i = 0; i < basesSeconds.length; i++) {
            assertThat(delays.get(i)).as("delay %d", i).isBetween(basesSeconds[i] * 1000, basesSeconds[i] * 1250);
        }
    }

    @Test
    void aCameraThatNeverStreamedBacksOffOneSecondDoublingToThirty() {
        assertBases(delays(new ReconnectBackoff(), -1, 8), 1, 2, 4, 8, 16, 30, 30, 30);
    }

    @Test
    void aCameraThatWasStreamingIsRetriedEverySecondForThirtySecondsThenDoubles() {
        List<Long> d = delays(new ReconnectBackoff(), 60_000, 40);
        int fast = 0;
        long elapsed = 0;
        while (elapsed < 30_000) {
            elapsed += d.get(fast++);
        }
        assertThat(d.subList(0, fast)).allSatisfy(x -> assertThat(x).isBetween(1000L, 1250L));
        assertBases(d.subList(fast, fast + 5), 1, 2, 4, 8, 16);
    }

    @Test
    void aShortSessionDoesNotResetTheDoubling() {
        ReconnectBackoff b = new ReconnectBackoff();
        delays(b, -1, 3); // 1, 2, 4
        assertBases(List.of(b.delayAfter(3_000, 100_000)), 8);
    }
}
