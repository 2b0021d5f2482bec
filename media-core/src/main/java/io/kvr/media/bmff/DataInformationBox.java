package io.kvr.media.bmff;

import java.util.List;

/** DataInformationBox {@code dinf} (ISO/IEC 14496-12 8.7.1): the container of the data references. */
public record DataInformationBox(DataReferenceBox references) implements Box {
    /** One reference: the media data is in this file. */
    public static DataInformationBox selfContained() {
        return new DataInformationBox(new DataReferenceBox(List.of(new DataEntryUrlBox())));
    }

    @Override
    public long size() {
        return HEADER_SIZE + references.size();
    }

    @Override
    public void write(BoxWriter w) {
        int dinf = w.begin("dinf");
        references.write(w);
        w.end(dinf);
    }
}
