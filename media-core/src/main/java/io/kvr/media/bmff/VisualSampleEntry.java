package io.kvr.media.bmff;

import java.util.List;

/**
 * VisualSampleEntry (ISO/IEC 14496-12 12.1.3), e.g. {@code avc1}, {@code hvc1}, {@code mp4v}: picture size,
 * 72 dpi, one frame per sample, no compressor name, depth 24, then the codec's boxes ({@code avcC}, {@code esds}).
 */
public record VisualSampleEntry(String type, int width, int height, List<Box> boxes) implements Box {
    public VisualSampleEntry {
        boxes = List.copyOf(boxes);
    }

    @Override
    public long size() {
        return HEADER_SIZE + 78 + Box.sizeOf(boxes);
    }

    @Override
    public void write(BoxWriter w) {
        int entry = w.begin(type);
        w.zeros(6); // reserved
        w.u16(1); // data_reference_index
        w.u16(0); // pre_defined
        w.u16(0); // reserved
        w.zeros(12); // pre_defined
        w.u16(width);
        w.u16(height);
        w.u32(0x0048_0000); // horizresolution 72 dpi
        w.u32(0x0048_0000); // vertresolution 72 dpi
        w.u32(0); // reserved
        w.u16(1); // frame_count
        w.zeros(32); // compressorname: empty
        w.u16(0x0018); // depth
        w.u16(0xffff); // pre_defined = -1
        Box.writeAll(w, boxes);
        w.end(entry);
    }
}
