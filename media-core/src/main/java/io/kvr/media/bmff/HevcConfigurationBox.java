package io.kvr.media.bmff;

/** HEVCConfigurationBox {@code hvcC} (ISO/IEC 14496-15 8.4.1): an HEVCDecoderConfigurationRecord, as given. */
public record HevcConfigurationBox(byte[] decoderConfigurationRecord) implements Box {
    @Override
    public long size() {
        return HEADER_SIZE + decoderConfigurationRecord.length;
    }

    @Override
    public void write(BoxWriter w) {
        int hvcC = w.begin("hvcC");
        w.bytes(decoderConfigurationRecord);
        w.end(hvcC);
    }
}
