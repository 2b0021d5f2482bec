package io.kvr.media.bmff;

import java.util.Optional;

/** TrackBox {@code trak} (ISO/IEC 14496-12 8.3.1): header, optional edit list, media. */
public record TrackBox(TrackHeaderBox header, Optional<EditBox> edits, MediaBox media) implements Box {
    @Override
    public long size() {
        return HEADER_SIZE + header.size() + edits.map(Box::size).orElse(0L) + media.size();
    }

    @Override
    public void write(BoxWriter w) {
        int trak = w.begin("trak");
        header.write(w);
        edits.ifPresent(edts -> edts.write(w));
        media.write(w);
        w.end(trak);
    }
}
