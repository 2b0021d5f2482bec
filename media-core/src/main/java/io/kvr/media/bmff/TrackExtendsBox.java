package io.kvr.media.bmff;

/**
 * TrackExtendsBox {@code trex} (ISO/IEC 14496-12 8.8.3): defaults for a track's fragments. kvr's fragments state
 * every sample's values themselves, so the defaults are sample description 1 and zeros.
 */
public record TrackExtendsBox(int trackId) implements Box {
    @Override
    public long size() {
        return FULL_HEADER_SIZE + 20;
    }

    @Override
    public void write(BoxWriter w) {
        int trex = w.beginFull("trex", 0, 0);
        w.u32(trackId);
        w.u32(1); // default_sample_description_index
        w.u32(0); // default_sample_duration
        w.u32(0); // default_sample_size
        w.u32(0); // default_sample_flags
        w.end(trex);
    }
}
