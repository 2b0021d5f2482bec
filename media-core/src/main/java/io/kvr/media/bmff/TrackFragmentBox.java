package io.kvr.media.bmff;

/** TrackFragmentBox {@code traf} (ISO/IEC 14496-12 8.8.6): header, base decode time and one run of samples. */
public record TrackFragmentBox(
        TrackFragmentHeaderBox header, TrackFragmentBaseMediaDecodeTimeBox decodeTime, TrackRunBox run) implements Box {

    /** The size of a traf of {@code sampleCount} samples, with or without composition offsets. */
    public static long size(int sampleCount, boolean compositionOffsets) {
        return HEADER_SIZE
                + TrackFragmentHeaderBox.SIZE
                + TrackFragmentBaseMediaDecodeTimeBox.SIZE
                + TrackRunBox.size(sampleCount, compositionOffsets);
    }

    @Override
    public long size() {
        return HEADER_SIZE + header.size() + decodeTime.size() + run.size();
    }

    @Override
    public void write(BoxWriter w) {
        int traf = w.begin("traf");
        header.write(w);
        decodeTime.write(w);
        run.write(w);
        w.end(traf);
    }
}
