package io.kvr.media.cmaf;

import java.util.Arrays;

/**
 * A written media segment: its bytes and its layout. The bytes are owned by this record; do not mutate them.
 *
 * @param bytes the whole segment (styp, moof, mdat)
 * @param layout offsets and per-track sample tables
 */
public record MediaSegment(byte[] bytes, SegmentLayout layout) {

    public long moofOffset() {
        return layout.moofOffset();
    }

    public long moofSize() {
        return layout.moofSize();
    }

    public long mdatOffset() {
        return layout.mdatOffset();
    }

    public long mdatSize() {
        return layout.mdatSize();
    }

    public java.util.List<TrackRun> tracks() {
        return layout.tracks();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MediaSegment s && Arrays.equals(s.bytes, bytes) && s.layout.equals(layout);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes) * 31 + layout.hashCode();
    }

    @Override
    public String toString() {
        return "MediaSegment[" + bytes.length + " bytes, " + layout + "]";
    }
}
