package io.kvr.media.bmff;

import java.util.List;

/**
 * SampleTableBox {@code stbl} (ISO/IEC 14496-12 8.5.1): the sample description and the tables of times, sizes
 * and chunks, in the order given.
 */
public record SampleTableBox(List<Box> boxes) implements Box {
    public SampleTableBox {
        boxes = List.copyOf(boxes);
    }

    /**
     * The tables of a track whose samples are all in movie fragments (8.8.1): the description and empty
     * {@code stts}, {@code stsc}, {@code stsz}, {@code stco}.
     */
    public static SampleTableBox empty(Box sampleDescription) {
        return new SampleTableBox(List.of(
                sampleDescription,
                TimeToSampleBox.EMPTY,
                SampleToChunkBox.EMPTY,
                ChunkOffsetBox.EMPTY,
                SampleSizeBox.EMPTY));
    }

    @Override
    public long size() {
        return HEADER_SIZE + Box.sizeOf(boxes);
    }

    @Override
    public void write(BoxWriter w) {
        int stbl = w.begin("stbl");
        Box.writeAll(w, boxes);
        w.end(stbl);
    }
}
