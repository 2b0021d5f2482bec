package io.kvr.media.cmaf;

import java.util.Objects;

/**
 * One sample (access unit) to write. H.264/H.265 payloads may be Annex B or 4-byte length-prefixed; the writer
 * emits them length-prefixed without access unit delimiters. MPEG-4 Part 2 payloads are VOPs with their start
 * codes (a VOS/VOL header before a keyframe's VOP may stay), written as they are. Audio payloads are raw frames (no ADTS header). The
 * payload is shared, not copied, until the writer copies it into the segment.
 *
 * @param decodeTime decode time in the track's timescale
 * @param duration decode time of the next sample minus this one, 0 or more (trun sample_duration)
 * @param compositionOffset presentation time minus decode time (trun sample_composition_time_offset); may be
 *     negative, which makes the writer use trun version 1
 * @param sync whether the sample is a random access point (IDR / IRAP; every AAC frame)
 * @param payload the sample's bytes
 */
public record Sample(long decodeTime, int duration, int compositionOffset, boolean sync, byte[] payload) {

    public Sample {
        Objects.requireNonNull(payload, "payload");
        if (duration < 0 || decodeTime < 0) {
            throw new IllegalArgumentException("decodeTime " + decodeTime + " duration " + duration);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sample s
                && s.decodeTime == decodeTime
                && s.duration == duration
                && s.compositionOffset == compositionOffset
                && s.sync == sync
                && java.util.Arrays.equals(s.payload, payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(decodeTime, duration, compositionOffset, sync) * 31 + java.util.Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Sample[decodeTime=" + decodeTime + ", duration=" + duration + ", compositionOffset=" + compositionOffset
                + ", sync=" + sync + ", " + payload.length + " bytes]";
    }
}
