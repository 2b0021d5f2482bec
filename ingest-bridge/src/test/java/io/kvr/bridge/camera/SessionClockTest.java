package io.kvr.bridge.camera;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SessionClockTest {
    private static final long ANCHOR = 1_700_000_000_000L;

    @Test
    void eachTracksFirstPacketIsTheAnchorWhateverItsTimestamp() {
        SessionClock clock = new SessionClock(ANCHOR, 2);

        assertThat(clock.captureMs(0, 123_456_789L, 1, 90_000)).isEqualTo(ANCHOR);
        assertThat(clock.captureMs(1, -5_000L, 1, 48_000)).isEqualTo(ANCHOR);
    }

    @Test
    void laterPacketsAddTheirPresentationTimeSinceTheTracksFirst() {
        SessionClock clock = new SessionClock(ANCHOR, 2);
        clock.captureMs(0, 900_000, 1, 90_000);
        clock.captureMs(1, 0, 1, 48_000);

        assertThat(clock.captureMs(0, 900_000 + 3600, 1, 90_000)).isEqualTo(ANCHOR + 40);
        assertThat(clock.captureMs(0, 900_000 + 90_000, 1, 90_000)).isEqualTo(ANCHOR + 1000);
        assertThat(clock.captureMs(1, 48_000 * 60L, 1, 48_000)).isEqualTo(ANCHOR + 60_000);
        assertThat(clock.captureMs(1, 1024, 1, 48_000)).isEqualTo(ANCHOR + 60_000); // behind: held
    }

    @Test
    void timebaseNumeratorIsApplied() {
        SessionClock clock = new SessionClock(ANCHOR, 1);
        clock.captureMs(0, 0, 1001, 30_000);

        assertThat(clock.captureMs(0, 30, 1001, 30_000)).isEqualTo(ANCHOR + 1001);
    }

    @Test
    void timeNeverRunsBackwardsPerTrack() {
        SessionClock clock = new SessionClock(ANCHOR, 1);
        long[] ticks = {7200, 3600, 14_400, 10_800, 18_000, 0, 900_000, 899_999, 900_090};
        long last = Long.MIN_VALUE;

        for (long t : ticks) {
            long capture = clock.captureMs(0, t, 1, 90_000);
            assertThat(capture).isGreaterThanOrEqualTo(last).isGreaterThanOrEqualTo(ANCHOR);
            last = capture;
        }
        assertThat(last).isEqualTo(ANCHOR + (900_090 - 7200) / 90);
    }

    @Test
    void tracksAreIndependent() {
        SessionClock clock = new SessionClock(ANCHOR, 2);
        clock.captureMs(0, 0, 1, 90_000);
        clock.captureMs(0, 900_000, 1, 90_000); // video 10 s ahead

        assertThat(clock.captureMs(1, 480_000, 1, 48_000)).isEqualTo(ANCHOR);
        assertThat(clock.captureMs(1, 480_000 + 48_000, 1, 48_000)).isEqualTo(ANCHOR + 1000);
    }
}
