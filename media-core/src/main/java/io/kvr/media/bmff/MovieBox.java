package io.kvr.media.bmff;

import java.util.List;
import java.util.Optional;

/** MovieBox {@code moov} (ISO/IEC 14496-12 8.2.1): the movie header, its tracks and, when fragmented, mvex. */
public record MovieBox(MovieHeaderBox header, List<TrackBox> tracks, Optional<MovieExtendsBox> extendsBox)
        implements Box {
    public MovieBox {
        tracks = List.copyOf(tracks);
    }

    @Override
    public long size() {
        return HEADER_SIZE
                + header.size()
                + Box.sizeOf(tracks)
                + extendsBox.map(Box::size).orElse(0L);
    }

    @Override
    public void write(BoxWriter w) {
        int moov = w.begin("moov");
        header.write(w);
        Box.writeAll(w, tracks);
        extendsBox.ifPresent(mvex -> mvex.write(w));
        w.end(moov);
    }
}
