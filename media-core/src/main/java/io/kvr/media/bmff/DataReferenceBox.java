package io.kvr.media.bmff;

import java.util.List;

/** DataReferenceBox {@code dref} (ISO/IEC 14496-12 8.7.2): the table of data references. */
public record DataReferenceBox(List<DataEntryUrlBox> entries) implements Box {
    public DataReferenceBox {
        entries = List.copyOf(entries);
    }

    @Override
    public long size() {
        return FULL_HEADER_SIZE + 4 + Box.sizeOf(entries);
    }

    @Override
    public void write(BoxWriter w) {
        int dref = w.beginFull("dref", 0, 0);
        w.u32(entries.size());
        Box.writeAll(w, entries);
        w.end(dref);
    }
}
