package io.kvr.bridge.camera;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to try a camera again. Failed attempts back off exponentially, 1 s doubling to 30 s, plus up to 25 %
 * jitter. A camera that was streaming (for at least {@link #STREAMED_ENOUGH}) and dropped is first retried every
 * second for {@link #FAST_WINDOW}: network blips and camera or server restarts come back within seconds, and each
 * second of delay after their return is a second not recorded. After the window the doubling starts from 1 s.
 */
final class ReconnectBackoff {
    static final Duration MIN = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(30);
    static final Duration FAST_WINDOW = Duration.ofSeconds(30);
    static final Duration STREAMED_ENOUGH = Duration.ofSeconds(10);

    private long nextMs = MIN.toMillis();
    private long fastUntilMs = Long.MIN_VALUE;

    /**
     * The pause before the next attempt, after one that failed or ended at {@code nowMs}.
     *
     * @param streamedMs how long the connection that just ended streamed; negative when it never connected
     */
    long delayAfter(long streamedMs, long nowMs) {
        if (streamedMs >= STREAMED_ENOUGH.toMillis()) {
            fastUntilMs = nowMs + FAST_WINDOW.toMillis();
            nextMs = MIN.toMillis();
        }
        long base;
        if (nowMs < fastUntilMs) {
            base = MIN.toMillis();
        } else {
            base = nextMs;
            nextMs = Math.min(nextMs * 2, MAX.toMillis());
        }
        return base + ThreadLocalRandom.current().nextLong(base / 4 + 1);
    }
}
