package io.kvr.media.bmff;

import java.util.List;

/**
 * AudioSampleEntry (ISO/IEC 14496-12 12.2.3), e.g. {@code mp4a}: channel count, 16-bit samples, the sample rate
 * as 16.16 fixed point (0 when it does not fit 16 bits), then the codec's boxes ({@code esds}).
 */
public record AudioSampleEntry(String type, int channelCount, int sampleRate, List<Box> boxes) implements Box {
    public AudioSampleEntry {
        boxes = List.copyOf(boxes);
    }

    @Override
    public long size() {
        return HEADER_SIZE + 28 + Box.sizeOf(boxes);
    }

    @Override
    public void write(BoxWriter w) {
        int entry = w.begin(type);
        w.zeros(6); // reserved
        w.u16(1); // data_reference_index
        w.zeros(8); // reserved
        w.u16(channelCount);
        w.u16(16); // samplesize
        w.u16(0); // pre_defined
        w.u16(0); // reserved
        w.u32(sampleRate <= 0xffff ? (long) sampleRate << 16 : 0);
        Box.writeAll(w, boxes);
        w.end(entry);
    }
}
