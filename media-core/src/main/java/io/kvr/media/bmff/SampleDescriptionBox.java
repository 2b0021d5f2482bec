package io.kvr.media.bmff;

import java.util.List;

/** SampleDescriptionBox {@code stsd} (ISO/IEC 14496-12 8.5.2): the sample entries of a track. */
public record SampleDescriptionBox(List<Box> entries) implements Box {
    public SampleDescriptionBox {
        entries = List.copyOf(entries);
    }

    @Override
    public long size() {
        return FULL_HEADER_SIZE + 4 + Box.sizeOf(entries);
    }

    @Override
    public void write(BoxWriter w) {
        int stsd = w.beginFull("stsd", 0, 0);
        w.u32(entries.size());
        Box.writeAll(w, entries);
        w.end(stsd);
    }
}
