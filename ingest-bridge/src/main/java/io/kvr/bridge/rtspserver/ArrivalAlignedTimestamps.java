package io.kvr.bridge.rtspserver;

import io.kvr.bridge.rtsp.TrackTimeline;
import io.kvr.media.rtp.TimestampUnwrapper;

/**
 * One pushed track's RTP timestamps on the stream's common timeline. Each RTP stream starts its timestamps at a
 * random value (RFC 3550 5.1), so the raw values of two tracks say nothing about each other: an audio track read
 * as is lies hours away from the video, and whatever pairs them by media time (an MP4 export) finds no audio.
 * The first timestamp of a track is placed at its arrival, counted from the stream's start; later ones keep their
 * spacing from it (unwrapped, {@link TimestampUnwrapper}). A pulled camera's tracks get the same from FFmpeg,
 * whose RTSP demuxer starts every stream near 0.
 *
 * <p>A new SSRC ({@link #restart}) is placed by arrival again, so it continues the timeline. One per track; not
 * thread-safe.
 */
final class ArrivalAlignedTimestamps {
    private final int clockRate;
    private final long streamStartMs;
    private TimestampUnwrapper unwrapper = new TimestampUnwrapper();
    private boolean placed;
    /** Subtracted from an unwrapped timestamp to put it on the stream's timeline. */
    private long origin;

    /**
     * @param clockRate the track's RTP clock rate: timestamps are in 1/clockRate s
     * @param streamStartMs the server's clock when the stream started: time 0 of the timeline
     */
    ArrivalAlignedTimestamps(int clockRate, long streamStartMs) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate " + clockRate);
        }
        this.clockRate = clockRate;
        this.streamStartMs = streamStartMs;
    }

    /**
     * @param rtpTimestamp a packet's RTP timestamp, 0..2^32-1
     * @param arrivalMs when it arrived, on the server's clock
     * @return the timestamp in 1/clockRate s since the stream's start
     */
    long pts(long rtpTimestamp, long arrivalMs) {
        long unwrapped = unwrapper.unwrap(rtpTimestamp);
        if (!placed) {
            placed = true;
            long sinceStart = Math.max(0, arrivalMs - streamStartMs);
            origin = unwrapped - TrackTimeline.rescale(sinceStart, 1, 1000, clockRate);
        }
        return unwrapped - origin;
    }

    /** The sender restarted (new SSRC): its timestamps start at a new random value (RFC 3550 8.2). */
    void restart() {
        unwrapper = new TimestampUnwrapper();
        placed = false;
    }
}
