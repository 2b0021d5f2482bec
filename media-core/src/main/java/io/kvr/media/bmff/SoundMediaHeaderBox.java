package io.kvr.media.bmff;

/** SoundMediaHeaderBox {@code smhd} (ISO/IEC 14496-12 12.2.2): balance centred. */
public record SoundMediaHeaderBox() implements Box {
    @Override
    public long size() {
        return FULL_HEADER_SIZE + 4;
    }

    @Override
    public void write(BoxWriter w) {
        int smhd = w.beginFull("smhd", 0, 0);
        w.u16(0); // balance
        w.u16(0); // reserved
        w.end(smhd);
    }
}
