package io.kvr.bridge.camera;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SessionClockTest {
    private static final long ANCHOR = 1_700_000_000_000L;
    private static final long N = Long.MIN_VALUE;

    /**
     * One unit: track, its continuous pts (ms), the source's pts (ms, N when made up), arrival (ms after the
     * anchor), the camera's wall clock at source pts 0 (ms, N while unknown), and the expected capture time (ms
     * after the anchor).
     */
    record Unit(int track, long ptsMs, long sourcePtsMs, long arrivalMs, long cameraStartMs, long expectedMs) {}

    static Unit u(int track, long ptsMs, long arrivalMs, long expectedMs) {
        return new Unit(track, ptsMs, ptsMs, arrivalMs, N, expectedMs);
    }

    static Unit cam(int track, long ptsMs, long arrivalMs, long cameraStartMs, long expectedMs) {
        return new Unit(track, ptsMs, ptsMs, arrivalMs, cameraStartMs, expectedMs);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(
                        "server: each track's first unit is the anchor, whatever its pts",
                        true,
                        List.of(u(0, 1_372, 900, 0), u(1, -50, 900, 0), u(0, 1_412, 920, 40), u(1, 950, 1_000, 1_000))),
                Arguments.of(
                        "server: a unit behind is held at the track's last capture time",
                        true,
                        List.of(
                                u(0, 0, 0, 0),
                                u(0, 1_000, 1_000, 1_000),
                                u(0, 960, 1_010, 1_000),
                                u(0, 1_040, 1_040, 1_040))),
                // the camera's wall clock at pts 0 is ANCHOR + 300 ms: a running track slews onto it at 2.5 %
                // of media time, a track that starts after the report uses it at once
                Arguments.of(
                        "camera: sender report arrives, its clock is slewed to",
                        true,
                        List.of(
                                u(0, 0, 500, 0),
                                u(0, 40, 540, 40),
                                cam(0, 1_000, 1_350, 300, 1_000),
                                cam(0, 1_040, 1_390, 300, 1_041),
                                cam(1, 500, 1_400, 300, 800),
                                cam(0, 13_000, 13_350, 300, 13_300),
                                cam(0, 14_000, 14_350, 300, 14_300))),
                Arguments.of(
                        "camera: a clock behind the server's is slewed to without stepping back",
                        true,
                        List.of(
                                u(0, 0, 0, 0),
                                u(0, 1_000, 1_000, 1_000),
                                cam(0, 1_040, 1_040, -500, 1_040),
                                cam(0, 1_600, 1_600, -500, 1_586))),
                Arguments.of(
                        "camera: a clock an hour off is not used",
                        true,
                        List.of(u(0, 0, 0, 0), cam(0, 40, 40, -3_600_000, 40), cam(0, 80, 80, -3_600_000, 80))),
                Arguments.of(
                        "clock=server ignores the camera's clock",
                        false,
                        List.of(u(0, 0, 0, 0), cam(0, 40, 40, 300, 40), cam(0, 80, 80, 300, 80))),
                Arguments.of(
                        "a made-up pts never maps the camera's clock",
                        true,
                        List.of(
                                u(0, 0, 0, 0),
                                new Unit(0, 40, N, 40, 300, 40),
                                cam(0, 80, 80, 300, 80),
                                cam(0, 12_080, 12_080, 300, 12_380))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void captureTimes(String name, boolean cameraClock, List<Unit> units) {
        SessionClock clock = new SessionClock(ANCHOR, 2, cameraClock, Long.MIN_VALUE, new SessionClock.Events() {});

        for (Unit unit : units) {
            assertThat(capture(clock, unit)).as("%s", unit).isEqualTo(ANCHOR + unit.expectedMs);
        }
    }

    @Test
    void theCameraClockIsReportedOnceUsedOrRejected() {
        Recorder used = new Recorder();
        SessionClock ok = new SessionClock(ANCHOR, 2, true, Long.MIN_VALUE, used);
        capture(ok, cam(0, 0, 100, 50, 0));
        capture(ok, cam(1, 0, 100, 50, 0));
        Recorder rejected = new Recorder();
        SessionClock off = new SessionClock(ANCHOR, 1, true, Long.MIN_VALUE, rejected);
        capture(off, cam(0, 0, 100, 86_400_000, 0));
        capture(off, cam(0, 40, 140, 86_400_000, 0));

        assertThat(used.events).containsExactly("used 50");
        assertThat(ok.onCameraClock()).isTrue();
        assertThat(rejected.events).containsExactly("rejected -86399900");
        assertThat(off.onCameraClock()).isFalse();
    }

    @Test
    void aDerivedTrackUsesItsSourceTracksMapping() {
        SessionClock clock = new SessionClock(ANCHOR, 3, true, Long.MIN_VALUE, new SessionClock.Events() {});
        clock.follow(2, 1);
        capture(clock, cam(1, 10_000, 0, -9_800, 0));

        // AAC priming: the first transcoded frame starts 128 ms before the source audio
        assertThat(capture(clock, new Unit(2, 9_872, N, 30, N, 0))).isEqualTo(ANCHOR - 9_800 + 9_872);
        assertThat(capture(clock, new Unit(2, 10_000, N, 40, N, 0))).isEqualTo(ANCHOR - 9_800 + 10_000);
    }

    @Test
    void captureTimesStayAboveThePreviousConnections() {
        SessionClock clock = new SessionClock(ANCHOR, 1, false, ANCHOR + 500, new SessionClock.Events() {});

        assertThat(capture(clock, u(0, 0, 0, 0))).isEqualTo(ANCHOR + 500);
        assertThat(capture(clock, u(0, 600, 600, 0))).isEqualTo(ANCHOR + 600);
    }

    @Test
    void aMediaClockThatDriftsIsReAnchoredAndCounted() {
        Recorder events = new Recorder();
        SessionClock clock = new SessionClock(ANCHOR, 1, false, Long.MIN_VALUE, events);
        // a camera whose media clock runs 10 % slow: 45 ms of pts every 50 ms of arrival, for 100 s
        long worstLagAfterCorrection = 0;
        long correctionsSeen = 0;
        boolean justCorrected = false;
        for (int i = 0; i <= 2_000; i++) {
            long arrival = 50L * i;
            long capture = capture(clock, u(0, 45L * i, arrival, 0)) - ANCHOR;
            if (justCorrected) {
                worstLagAfterCorrection = Math.max(worstLagAfterCorrection, arrival - capture);
            }
            justCorrected = clock.corrections() > correctionsSeen;
            correctionsSeen = clock.corrections();
        }

        assertThat(clock.corrections()).isBetween(2L, 5L);
        assertThat(events.events)
                .hasSize((int) clock.corrections())
                .allSatisfy(e -> assertThat(e).startsWith("corrected"));
        assertThat(Long.parseLong(events.events.get(0).substring("corrected ".length())))
                .isGreaterThan(SessionClock.DRIFT_MS);
        // each correction lands the capture clock near arrival again (what is left: one window's drift)
        assertThat(worstLagAfterCorrection).isPositive().isLessThan(SessionClock.DRIFT_MS);
    }

    @Test
    void aStallAndItsBurstAreNoDrift() {
        Recorder events = new Recorder();
        SessionClock clock = new SessionClock(ANCHOR, 1, false, Long.MIN_VALUE, events);
        long arrival = 0;
        for (int i = 0; i < 1_500; i++) {
            // 40 ms frames; at 12 s the network stalls 4.5 s, then the frames of the stall arrive at once
            long pts = 40L * i;
            arrival = pts < 12_000 ? pts : pts < 16_500 ? 16_500 : pts;
            capture(clock, u(0, pts, arrival, 0));
        }

        assertThat(clock.corrections()).isZero();
        assertThat(events.events).isEmpty();
        assertThat(arrival).isGreaterThan(50_000);
    }

    @Test
    void aCameraClockThatJumpsFarAheadIsPulledBackAfterTwoWindows() {
        Recorder events = new Recorder();
        SessionClock clock = new SessionClock(ANCHOR, 1, true, Long.MIN_VALUE, events);
        // adopted at a sane 100 ms behind arrival ...
        capture(clock, cam(0, 0, 100, 0, 0));
        // ... then the media clock runs 3 s ahead of arrival (an encoder that re-timestamps after an NTP step)
        for (int i = 1; i <= 1_000; i++) {
            capture(clock, u(0, 3_000 + 40L * i, 100 + 40L * i, 0));
        }

        assertThat(clock.corrections()).isEqualTo(1);
        assertThat(events.events).containsExactly("used 100", "corrected -2900");
        // after the correction the capture times are just before arrival again, and never ran backwards
        assertThat(capture(clock, u(0, 3_000 + 40L * 1_001, 100 + 40L * 1_001, 0)))
                .isBetween(ANCHOR + 40L * 1_001, ANCHOR + 100 + 40L * 1_001);
    }

    private static long capture(SessionClock clock, Unit u) {
        return clock.captureMs(
                u.track,
                u.ptsMs * 1000,
                u.sourcePtsMs == N ? N : u.sourcePtsMs * 1000,
                ANCHOR + u.arrivalMs,
                u.cameraStartMs == N ? N : (ANCHOR + u.cameraStartMs) * 1000);
    }

    private static final class Recorder implements SessionClock.Events {
        final List<String> events = new ArrayList<>();

        @Override
        public void cameraClockUsed(long lagMs) {
            events.add("used " + lagMs);
        }

        @Override
        public void cameraClockRejected(long lagMs) {
            events.add("rejected " + lagMs);
        }

        @Override
        public void corrected(long deltaMs) {
            events.add("corrected " + deltaMs);
        }
    }
}
