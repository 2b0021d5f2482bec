package io.kvr.media.bmff;

/** VideoMediaHeaderBox {@code vmhd} (ISO/IEC 14496-12 12.1.2): flags 1, graphicsmode copy, opcolor 0. */
public record VideoMediaHeaderBox() implements Box {
    @Override
    public long size() {
        return FULL_HEADER_SIZE + 8;
    }

    @Override
    public void write(BoxWriter w) {
        int vmhd = w.beginFull("vmhd", 0, 1);
        w.u16(0); // graphicsmode: copy
        w.zeros(6); // opcolor
        w.end(vmhd);
    }
}
