package io.kvr.bridge.camera;

import io.kvr.bridge.rtsp.Packet;
import java.util.Arrays;

/**
 * Capture wall clock of one connection's units. Each track maps its (continuous, see
 * {@code rtsp.TrackTimeline}) presentation time to the wall clock by an offset:
 *
 * <ul>
 *   <li><b>server</b> (always at first): the track's first unit is the connection's anchor (when opening began:
 *       FFmpeg hands out the packets it read while opening, so the first one is that old), later ones add their
 *       presentation time since it;</li>
 *   <li><b>camera</b> (setting {@code clock=camera}, once the camera's first RTCP sender report arrived): the camera's
 *       wall clock, {@code start_time_realtime + pts * time_base}, when it lies within {@link #SANE_MS} of the
 *       arrival time; a camera clock further off (unset, wrong time zone) is not used, and that is logged once.
 *       A track already running on the server clock moves onto it gradually ({@link #SLEW_PER_MILLE}).</li>
 * </ul>
 * Drift: every {@link #WINDOW_MS} of arrival time the smallest {@code arrival - capture} of the window is taken
 * (the least delayed unit; bursts and stalls only add delay). When two windows in a row put it more than
 * {@link #DRIFT_MS} off in the same direction — a camera clock that drifts or jumps, or a media clock that runs
 * at another rate than the server's — every track is re-anchored so the least delayed unit is captured at its
 * arrival, and {@link Events#corrected} reports it. Per track, capture time never runs backwards (also not
 * below {@code floorMs}, the previous connection's last capture time). Not thread-safe.
 */
final class SessionClock {
    static final long SANE_MS = 10_000;
    static final long DRIFT_MS = 2_000;
    static final long WINDOW_MS = 10_000;
    /**
     * How fast capture time moves onto the camera's clock once its first sender report arrives mid-stream: 25 µs
     * per ms of media (2.5 %), so a 2 s segment is never more than 50 ms away from its neighbour instead of a
     * step of the whole difference appearing as a hole (or an overlap) between two segments.
     */
    static final long SLEW_PER_MILLE = 25;

    private static final long UNSET = Long.MIN_VALUE;

    /** What the clock tells the supervisor. */
    interface Events {
        /** The camera's clock gives capture times from now on; it was {@code lagMs} behind arrival. */
        default void cameraClockUsed(long lagMs) {}

        /** The camera's clock is too far from the server's ({@code lagMs} = arrival - camera time): not used. */
        default void cameraClockRejected(long lagMs) {}

        /** Every track's capture time moved by {@code deltaMs} (positive: later). */
        default void corrected(long deltaMs) {}
    }

    private final long anchorMs;
    private final boolean useCameraClock;
    private final long floorMs;
    private final Events events;
    private final long[] offsetMicros;
    /** Per mapping: the camera-clock offset being slewed to, or UNSET; and the pts the slew last advanced at. */
    private final long[] targetOffsetMicros;

    private final long[] slewedAtMicros;
    private final long[] lastCaptureMs;
    private final int[] mappedBy;
    /** Per track: mapped by the camera's clock (each track's pts refer to it, so each is mapped once). */
    private final boolean[] onCamera;

    private boolean onCameraClock;
    private boolean cameraRejected;
    private long windowStartMs = UNSET;
    private long windowMinLagMs = Long.MAX_VALUE;
    private long previousMinLagMs = UNSET;
    private long corrections;

    /**
     * @param anchorMs wall clock of the connection's first unit (server clock)
     * @param tracks number of tracks, derived ones included
     * @param useCameraClock setting {@code clock=camera}
     * @param floorMs no capture time below this (the previous connection's last), or {@link Long#MIN_VALUE}
     */
    SessionClock(long anchorMs, int tracks, boolean useCameraClock, long floorMs, Events events) {
        this.anchorMs = anchorMs;
        this.useCameraClock = useCameraClock;
        this.floorMs = floorMs;
        this.events = events;
        this.offsetMicros = new long[tracks];
        this.targetOffsetMicros = new long[tracks];
        this.slewedAtMicros = new long[tracks];
        Arrays.fill(targetOffsetMicros, UNSET);
        this.lastCaptureMs = new long[tracks];
        this.mappedBy = new int[tracks];
        this.onCamera = new boolean[tracks];
        Arrays.fill(offsetMicros, UNSET);
        Arrays.fill(lastCaptureMs, Long.MIN_VALUE);
        for (int i = 0; i < tracks; i++) {
            mappedBy[i] = i;
        }
    }

    /** {@code track} (e.g. audio transcoded from {@code source}) uses the source track's mapping. */
    void follow(int track, int source) {
        mappedBy[track] = source;
    }

    /**
     * The capture time of a unit.
     *
     * @param ptsMicros the unit's continuous presentation time in µs
     * @param sourcePtsMicros the source's own pts in µs (what the camera clock refers to), or
     *     {@link Packet#NO_TIMESTAMP} when the timestamp was made up
     * @param arrivalMs when the unit arrived
     * @param cameraStartMicros the camera's wall clock at pts 0 ({@code start_time_realtime}), or
     *     {@link Packet#NO_TIMESTAMP} while unknown
     */
    long captureMs(int track, long ptsMicros, long sourcePtsMicros, long arrivalMs, long cameraStartMicros) {
        int m = mappedBy[track];
        boolean first = offsetMicros[m] == UNSET;
        if (first) {
            offsetMicros[m] = anchorMs * 1000 - ptsMicros;
        }
        if (useCameraClock
                && !cameraRejected
                && m == track
                && cameraStartMicros != Packet.NO_TIMESTAMP
                && sourcePtsMicros != Packet.NO_TIMESTAMP
                && !onCamera[m]) {
            long cameraMicros = cameraStartMicros + sourcePtsMicros;
            long lagMs = arrivalMs - Math.floorDiv(cameraMicros, 1000);
            if (Math.abs(lagMs) <= SANE_MS) {
                if (first) {
                    offsetMicros[m] = cameraMicros - ptsMicros;
                } else {
                    targetOffsetMicros[m] = cameraMicros - ptsMicros;
                    slewedAtMicros[m] = ptsMicros;
                }
                markOnCamera(m, lagMs);
            } else {
                cameraRejected = true;
                events.cameraClockRejected(lagMs);
            }
        }
        slew(m, ptsMicros);
        long capture = Math.floorDiv(ptsMicros + offsetMicros[m], 1000);
        watchDrift(arrivalMs, arrivalMs - capture);
        capture = Math.max(capture, Math.max(lastCaptureMs[track], floorMs));
        lastCaptureMs[track] = capture;
        return capture;
    }

    private void slew(int m, long ptsMicros) {
        if (targetOffsetMicros[m] == UNSET || ptsMicros <= slewedAtMicros[m]) {
            return;
        }
        long step = (ptsMicros - slewedAtMicros[m]) * SLEW_PER_MILLE / 1000;
        long delta = targetOffsetMicros[m] - offsetMicros[m];
        offsetMicros[m] += Math.abs(delta) <= step ? delta : Long.signum(delta) * step;
        slewedAtMicros[m] = ptsMicros;
        if (offsetMicros[m] == targetOffsetMicros[m]) {
            targetOffsetMicros[m] = UNSET;
        }
    }

    /** Re-anchorings for drift so far. */
    long corrections() {
        return corrections;
    }

    /** Whether capture times come from the camera's clock. */
    boolean onCameraClock() {
        return onCameraClock;
    }

    private void markOnCamera(int track, long lagMs) {
        onCamera[track] = true;
        if (!onCameraClock) {
            onCameraClock = true;
            events.cameraClockUsed(lagMs);
        }
    }

    private void watchDrift(long arrivalMs, long lagMs) {
        if (windowStartMs == UNSET) {
            windowStartMs = arrivalMs;
        }
        windowMinLagMs = Math.min(windowMinLagMs, lagMs);
        if (arrivalMs - windowStartMs < WINDOW_MS) {
            return;
        }
        long minLag = windowMinLagMs;
        windowStartMs = arrivalMs;
        windowMinLagMs = Long.MAX_VALUE;
        boolean off = Math.abs(minLag) > DRIFT_MS;
        boolean offBefore = previousMinLagMs != UNSET
                && Math.abs(previousMinLagMs) > DRIFT_MS
                && Long.signum(previousMinLagMs) == Long.signum(minLag);
        previousMinLagMs = minLag;
        if (off && offBefore) {
            for (int i = 0; i < offsetMicros.length; i++) {
                if (offsetMicros[i] != UNSET) {
                    offsetMicros[i] += minLag * 1000;
                }
                if (targetOffsetMicros[i] != UNSET) {
                    targetOffsetMicros[i] += minLag * 1000;
                }
            }
            previousMinLagMs = UNSET;
            corrections++;
            events.corrected(minLag);
        }
    }
}
