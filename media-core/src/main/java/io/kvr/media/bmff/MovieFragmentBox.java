package io.kvr.media.bmff;

import java.util.List;

/** MovieFragmentBox {@code moof} (ISO/IEC 14496-12 8.8.4): the fragment header and one traf per track. */
public record MovieFragmentBox(MovieFragmentHeaderBox header, List<TrackFragmentBox> trackFragments) implements Box {
    public MovieFragmentBox {
        trackFragments = List.copyOf(trackFragments);
    }

    /**
     * The size of a moof whose track fragments take {@code trackFragmentsSize} bytes: known before the fragment is
     * built, since its trun data offsets count from the moof's start.
     */
    public static long size(long trackFragmentsSize) {
        return HEADER_SIZE + MovieFragmentHeaderBox.SIZE + trackFragmentsSize;
    }

    @Override
    public long size() {
        return size(Box.sizeOf(trackFragments));
    }

    @Override
    public void write(BoxWriter w) {
        int moof = w.begin("moof");
        header.write(w);
        Box.writeAll(w, trackFragments);
        w.end(moof);
    }
}
