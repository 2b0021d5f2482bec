package io.kvr.media.rtp;

/**
 * Extends one stream's 32-bit RTP timestamps (RFC 3550 5.1) to a 64-bit timeline that does not wrap: at 90 kHz
 * the 32-bit value wraps every 13 h 15 min. Each timestamp is taken as the nearest value to the highest seen so
 * far (within ±2^31 ticks), so small backward steps (B-frames in decode order, audio units of an earlier packet)
 * stay backward steps, and 2^32 - 1 → 0 continues forward. One instance per stream; not thread-safe.
 *
 * <p>The timeline starts at the first timestamp; a step back from it (a B-frame right after the first unit, just
 * after a wrap) can give a negative value. A sender restart (new SSRC) needs a new instance: its timestamps start
 * at a random value.
 */
public final class TimestampUnwrapper {

    private boolean started;
    private long highest;

    /**
     * @param timestamp an RTP timestamp, 0..2^32-1
     * @return the same instant on the 64-bit timeline: {@code timestamp} plus a multiple of 2^32
     */
    public long unwrap(long timestamp) {
        if (timestamp < 0 || timestamp > 0xffff_ffffL) {
            throw new IllegalArgumentException("RTP timestamp " + timestamp);
        }
        if (!started) {
            started = true;
            highest = timestamp;
            return timestamp;
        }
        // the low 32 bits of the difference, signed: the shortest way around the 2^32 circle
        long extended = highest + (int) (timestamp - highest);
        if (extended > highest) {
            highest = extended;
        }
        return extended;
    }
}
