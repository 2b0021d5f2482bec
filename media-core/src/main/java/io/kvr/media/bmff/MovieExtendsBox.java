package io.kvr.media.bmff;

import java.util.List;
import java.util.Optional;

/**
 * MovieExtendsBox {@code mvex} (ISO/IEC 14496-12 8.8.1): announces movie fragments; an optional header with the
 * whole duration, then one {@code trex} per track.
 */
public record MovieExtendsBox(Optional<MovieExtendsHeaderBox> header, List<TrackExtendsBox> trackExtends)
        implements Box {
    public MovieExtendsBox {
        trackExtends = List.copyOf(trackExtends);
    }

    @Override
    public long size() {
        return HEADER_SIZE + header.map(Box::size).orElse(0L) + Box.sizeOf(trackExtends);
    }

    @Override
    public void write(BoxWriter w) {
        int mvex = w.begin("mvex");
        header.ifPresent(mehd -> mehd.write(w));
        Box.writeAll(w, trackExtends);
        w.end(mvex);
    }
}
