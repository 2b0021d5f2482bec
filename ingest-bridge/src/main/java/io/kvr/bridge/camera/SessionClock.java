package io.kvr.bridge.camera;

/**
 * Server clock for one ingest session: a unit's capture time is the session's first arrival plus its
 * presentation time since the track's first packet. Per track, time never runs backwards.
 */
final class SessionClock {
    private final long anchorMs;
    private final long[] firstTicks;
    private final long[] lastCaptureMs;

    SessionClock(long anchorMs, int tracks) {
        this.anchorMs = anchorMs;
        this.firstTicks = new long[tracks];
        this.lastCaptureMs = new long[tracks];
        java.util.Arrays.fill(firstTicks, Long.MIN_VALUE);
        java.util.Arrays.fill(lastCaptureMs, Long.MIN_VALUE);
    }

    long captureMs(int track, long ticks, int tbNum, int tbDen) {
        if (firstTicks[track] == Long.MIN_VALUE) {
            firstTicks[track] = ticks;
        }
        long sinceFirst = (ticks - firstTicks[track]) * 1000L * tbNum / tbDen;
        long capture = Math.max(anchorMs + sinceFirst, lastCaptureMs[track]);
        lastCaptureMs[track] = capture;
        return capture;
    }
}
