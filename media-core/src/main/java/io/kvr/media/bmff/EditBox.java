package io.kvr.media.bmff;

/** EditBox {@code edts} (ISO/IEC 14496-12 8.6.5): the container of a track's edit list. */
public record EditBox(EditListBox editList) implements Box {
    @Override
    public long size() {
        return HEADER_SIZE + editList.size();
    }

    @Override
    public void write(BoxWriter w) {
        int edts = w.begin("edts");
        editList.write(w);
        w.end(edts);
    }
}
