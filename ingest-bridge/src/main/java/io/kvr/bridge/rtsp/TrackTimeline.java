package io.kvr.bridge.rtsp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Makes one track's timestamps usable downstream: per track, dts strictly increases and pts is never below dts,
 * whatever the source sends. Works in the track's own timebase; one connection, one instance per track.
 *
 * <ul>
 *   <li><b>32-bit wraparound.</b> A timestamp that moves by more than 2^31 ticks from the previous one is read as
 *       the nearest value modulo 2^32 (RTP timestamps wrap every 13 h at 90 kHz). FFmpeg's RTSP demuxer already
 *       unwraps; other sources and future changes may not.</li>
 *   <li><b>Jumps.</b> A pts further behind the newest one than reordering explains (audio: more than half a
 *       packet; video: more than {@link #MAX_DEPTH}+1 frames or {@link #BACKWARD_JUMP_MS}, or the repeat of a recent
 *       pts), or one that runs ahead of the arrival clock by more than {@link #FORWARD_JUMP_MS} (a camera that
 *       resets its clock, an NTP step, a server restarting a shared stream), re-anchors the track: it continues one
 *       frame after the newest pts. A real gap (lost packets) advances the arrival clock as much and is kept.</li>
 *   <li><b>dts.</b> Video dts is derived from pts, never taken from the source (cameras send dts = 0, none, or
 *       dts = pts with B-frames): with a reorder depth d, dts is the smallest of the d+1 largest pts seen so far,
 *       as a decoder with d frames of delay outputs them (the way libavformat guesses dts). d is learned from the
 *       first {@link #WARM_UP} packets, which are held back for that, and grows if deeper reordering shows up
 *       later. Audio dts = pts.</li>
 *   <li><b>Missing pts.</b> Taken from the dts when the source gave one; a packet at the start with neither (FFmpeg
 *       leaves the first H.264 keyframe of an RTSP stream without timestamps) gets the frame before the smallest
 *       pts of the packets after it; later ones one frame after the newest pts.</li>
 * </ul>
 * Not thread-safe.
 */
public final class TrackTimeline {
    /** Video packets held back at the start to learn the reorder depth and fill missing timestamps. */
    static final int WARM_UP = 6;
    /**
     * The warm-up lasts until two of its packets have a pts (FFmpeg sometimes hands out a dozen packets without),
     * but never longer than this many packets.
     */
    static final int WARM_UP_MAX = 60;

    static final long BACKWARD_JUMP_MS = 1_000;
    static final long FORWARD_JUMP_MS = 3_000;
    private static final int MAX_DEPTH = 4;
    private static final int RECENT = 16;
    private static final long WRAP = 1L << 32;

    private final boolean video;
    private final int tbNum;
    private final int tbDen;
    private final List<Packet> warmUp = new ArrayList<>(WARM_UP);
    private int warmUpTimestamps;
    private boolean warm;

    private long frameTicks;
    private long lastUnwrapped = Packet.NO_TIMESTAMP;
    private long wrapOffset;
    private long offset;
    private long maxPts = Packet.NO_TIMESTAMP;
    private long maxPtsArrivalMs;
    private long lastDts = Packet.NO_TIMESTAMP;
    private int depth;
    /** The largest {@code depth + 1} pts so far, ascending; {@code size} of them in use. */
    private long[] largest = new long[1];

    private int size;
    private final long[] recent = new long[RECENT];
    private int recentCount;
    private long jumps;
    private long repeats;

    public TrackTimeline(boolean video, int tbNum, int tbDen, long defaultFrameTicks) {
        this(video, tbNum, tbDen, defaultFrameTicks, 0);
    }

    /**
     * @param defaultFrameTicks a frame's duration in ticks when the packets do not tell (from the frame rate, or a
     *     typical audio packet)
     * @param headroomMs added to every timestamp: the same for all tracks of a connection, so they stay aligned,
     *     and enough that the derived dts of the first frames and audio priming before them do not go below 0
     *     (ISO BMFF decode times are unsigned)
     */
    public TrackTimeline(boolean video, int tbNum, int tbDen, long defaultFrameTicks, long headroomMs) {
        if (tbNum <= 0 || tbDen <= 0) {
            throw new IllegalArgumentException("timebase " + tbNum + "/" + tbDen);
        }
        this.video = video;
        this.tbNum = tbNum;
        this.tbDen = tbDen;
        this.frameTicks = Math.max(1, defaultFrameTicks);
        this.warm = !video;
        this.offset = msToTicks(headroomMs);
    }

    /**
     * A frame duration for a track: from the frame rate when it is a plausible one (1 to 240 fps; FFmpeg reports
     * the timebase, 90000 fps, when it could not tell), else 40 ms (video) or 20 ms (audio packets).
     */
    public static long defaultFrameTicks(SourceTrack t) {
        boolean plausible = t.frameRateNum() > 0
                && t.frameRateDen() > 0
                && t.frameRateNum() >= t.frameRateDen()
                && t.frameRateNum() <= 240L * t.frameRateDen();
        long ticks = plausible
                ? scale(t.frameRateDen(), t.timebaseDen(), (long) t.frameRateNum() * t.timebaseNum())
                : scale(t.video() ? 40 : 20, t.timebaseDen(), 1000L * t.timebaseNum());
        return Math.max(1, ticks);
    }

    /**
     * Takes the next packet of this track and appends what is ready, in decode order, to {@code out}: nothing
     * while warming up, then the held-back packets too.
     */
    public void accept(Packet p, List<Timed> out) {
        if (!warm) {
            warmUp.add(p);
            if (ptsOf(p) != Packet.NO_TIMESTAMP) {
                warmUpTimestamps++;
            }
            if ((warmUp.size() >= WARM_UP && warmUpTimestamps >= 2) || warmUp.size() >= WARM_UP_MAX) {
                finishWarmUp(out);
            }
            return;
        }
        emit(p, ptsOf(p), out);
    }

    /** Releases packets still held back (the source ended during the warm-up). */
    public void flush(List<Timed> out) {
        if (!warm && !warmUp.isEmpty()) {
            finishWarmUp(out);
        }
    }

    /** How often the track was re-anchored after a timestamp jump. */
    public long jumps() {
        return jumps;
    }

    /**
     * How often a unit's decode time had to be moved one tick past the previous unit's, because the source gave
     * it the same time or one within jitter behind (a picture the demuxer split in two after packet loss does).
     * Such a unit lasts one tick; players show it with the unit before.
     */
    public long repeats() {
        return repeats;
    }

    /** The reorder depth in use (frames between decode and presentation). */
    public int depth() {
        return depth;
    }

    private void finishWarmUp(List<Timed> out) {
        warm = true;
        int n = warmUp.size();
        long[] pts = new long[n];
        boolean[] known = new boolean[n];
        for (int i = 0; i < n; i++) {
            long v = ptsOf(warmUp.get(i));
            known[i] = v != Packet.NO_TIMESTAMP;
            pts[i] = known[i] ? unwrap(v) : Packet.NO_TIMESTAMP;
        }
        // reorder depth: how many earlier packets present later than one packet, at most
        int d = 0;
        for (int i = 0; i < n; i++) {
            int later = 0;
            for (int j = 0; j < i; j++) {
                if (known[i] && known[j] && pts[j] > pts[i]) {
                    later++;
                }
            }
            d = Math.max(d, later);
        }
        setDepth(d);
        long[] sorted = Arrays.stream(pts)
                .filter(v -> v != Packet.NO_TIMESTAMP)
                .sorted()
                .toArray();
        long gap = Long.MAX_VALUE;
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] > sorted[i - 1]) {
                gap = Math.min(gap, sorted[i] - sorted[i - 1]);
            }
        }
        if (gap != Long.MAX_VALUE && gap <= msToTicks(1000)) {
            frameTicks = gap;
        }
        // packets before the first timestamped one: the frames just before the earliest pts that follows
        int leading = 0;
        while (leading < n && !known[leading]) {
            leading++;
        }
        if (leading < n) {
            long earliest = Long.MAX_VALUE;
            for (int i = leading; i < n; i++) {
                if (known[i]) {
                    earliest = Math.min(earliest, pts[i]);
                }
            }
            for (int i = 0; i < leading; i++) {
                pts[i] = earliest - (leading - i) * frameTicks;
                known[i] = true;
            }
        }
        for (int i = 0; i < n; i++) {
            Packet p = warmUp.get(i);
            emitUnwrapped(p, known[i] ? pts[i] : Packet.NO_TIMESTAMP, known[i] && i >= leading, out);
        }
        warmUp.clear();
    }

    private void emit(Packet p, long rawPts, List<Timed> out) {
        boolean fromSource = rawPts != Packet.NO_TIMESTAMP;
        emitUnwrapped(p, fromSource ? unwrap(rawPts) : Packet.NO_TIMESTAMP, fromSource, out);
    }

    /**
     * @param unwrapped the packet's pts after unwrapping, or NO_TIMESTAMP when it has none
     * @param fromSource whether that pts is the source's (not filled in): only then may it map the camera clock
     */
    private void emitUnwrapped(Packet p, long unwrapped, boolean fromSource, List<Timed> out) {
        long pts;
        long correction = 0;
        if (unwrapped == Packet.NO_TIMESTAMP) {
            pts = maxPts == Packet.NO_TIMESTAMP ? offset : maxPts + frameTicks;
        } else {
            pts = unwrapped + offset;
            if (maxPts != Packet.NO_TIMESTAMP && jumped(pts, p.arrivalMs())) {
                long anchored = maxPts + frameTicks;
                correction = anchored - pts;
                offset += correction;
                pts = anchored;
                jumps++;
            }
        }
        long dts = video ? videoDts(pts) : pts;
        if (lastDts != Packet.NO_TIMESTAMP && dts <= lastDts) {
            // the source repeated a time (e.g. one picture handed out as two packets after a loss): keep order
            dts = lastDts + 1;
            repeats++;
        }
        if (pts < dts) {
            pts = dts;
        }
        if (lastDts != Packet.NO_TIMESTAMP && !video) {
            long step = dts - lastDts;
            if (step > 0 && step < 4 * frameTicks && step > frameTicks / 4) {
                frameTicks = step;
            }
        }
        lastDts = dts;
        if (maxPts == Packet.NO_TIMESTAMP || pts > maxPts) {
            maxPts = pts;
            maxPtsArrivalMs = p.arrivalMs();
        }
        out.add(new Timed(p, pts, dts, fromSource ? unwrapped : Packet.NO_TIMESTAMP, correction));
    }

    /**
     * Whether {@code pts} left the track's time line. Behind the newest pts: by up to half a frame is jitter (held
     * by the dts clamp); audio never goes further back; video may, by reordering, but not by more than
     * {@link #MAX_DEPTH}+1 frames or {@link #BACKWARD_JUMP_MS}, and reordering never repeats a recent pts (a
     * source that restarts its timestamps does: seen when an RTSP server resets a shared stream).
     */
    private boolean jumped(long pts, long arrivalMs) {
        long behind = maxPts - pts;
        if (behind > frameTicks / 2) {
            return !video
                    || behind > msToTicks(BACKWARD_JUMP_MS)
                    || behind > (MAX_DEPTH + 1) * frameTicks
                    || repeatsRecent(pts);
        }
        if (behind >= 0) {
            return false;
        }
        long aheadMs = ticksToMs(pts - maxPts);
        return aheadMs - (arrivalMs - maxPtsArrivalMs) > FORWARD_JUMP_MS;
    }

    private boolean repeatsRecent(long pts) {
        for (int i = 0; i < recentCount; i++) {
            if (Math.abs(recent[i] - pts) <= frameTicks / 2) {
                return true;
            }
        }
        return false;
    }

    /** dts for a video pts (see the class comment); learns a deeper reordering when it shows up. */
    private long videoDts(long pts) {
        int later = 0;
        for (int i = 0; i < recentCount; i++) {
            if (recent[i] > pts + frameTicks / 2) { // jitter is no reordering
                later++;
            }
        }
        if (later > depth) {
            setDepth(later);
        }
        System.arraycopy(recent, 0, recent, 1, Math.min(recentCount, RECENT - 1));
        recent[0] = pts;
        recentCount = Math.min(recentCount + 1, RECENT);

        int capacity = depth + 1;
        if (size < capacity) {
            largest[size++] = pts;
        } else if (pts > largest[0]) {
            largest[0] = pts;
        } else {
            // older than all kept: it is decoded now, so it is the dts
            return pts;
        }
        Arrays.sort(largest, 0, size);
        return size < capacity ? largest[0] - (long) (capacity - size) * frameTicks : largest[0];
    }

    private void setDepth(int d) {
        depth = Math.min(d, MAX_DEPTH);
        if (largest.length < depth + 1) {
            largest = Arrays.copyOf(largest, depth + 1);
        }
    }

    private long unwrap(long v) {
        if (lastUnwrapped == Packet.NO_TIMESTAMP) {
            lastUnwrapped = v;
            return v;
        }
        long u = v + wrapOffset;
        long d = u - lastUnwrapped;
        if (d < -(WRAP / 2)) {
            wrapOffset += WRAP * ((-d + WRAP / 2) / WRAP);
        } else if (d > WRAP / 2) {
            wrapOffset -= WRAP * ((d + WRAP / 2) / WRAP);
        }
        lastUnwrapped = v + wrapOffset;
        return lastUnwrapped;
    }

    private static long ptsOf(Packet p) {
        return p.pts() != Packet.NO_TIMESTAMP ? p.pts() : p.dts();
    }

    private long msToTicks(long ms) {
        return scale(ms, tbDen, 1000L * tbNum);
    }

    private long ticksToMs(long ticks) {
        return scale(ticks, 1000L * tbNum, tbDen);
    }

    /** {@code value * mul / div}, floor, without overflow for timestamps of any realistic size. */
    static long scale(long value, long mul, long div) {
        return Math.floorDiv(value, div) * mul + Math.floorDiv(Math.floorMod(value, div) * mul, div);
    }

    /** {@code ticks} of {@code tbNum/tbDen} s in units of {@code 1/rate} s (floor). */
    public static long rescale(long ticks, int tbNum, int tbDen, long rate) {
        return scale(ticks, rate * tbNum, tbDen);
    }

    /** {@code ticks} of {@code tbNum/tbDen} s in microseconds (floor). */
    public static long micros(long ticks, int tbNum, int tbDen) {
        return scale(ticks, 1_000_000L * tbNum, tbDen);
    }

    /**
     * A packet with usable timestamps.
     *
     * @param pts presentation time, never below dts
     * @param dts decode time, strictly increasing per track
     * @param sourcePts the source's own pts (unwrapped) when it gave one, else {@link Packet#NO_TIMESTAMP}: what
     *     the camera's clock refers to
     * @param correction ticks added by a re-anchoring at this packet (0 when none)
     */
    public record Timed(Packet packet, long pts, long dts, long sourcePts, long correction) {}
}
