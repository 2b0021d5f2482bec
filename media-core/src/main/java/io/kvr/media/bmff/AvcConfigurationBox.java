package io.kvr.media.bmff;

/** AVCConfigurationBox {@code avcC} (ISO/IEC 14496-15 5.4.2): an AVCDecoderConfigurationRecord, as given. */
public record AvcConfigurationBox(byte[] decoderConfigurationRecord) implements Box {
    @Override
    public long size() {
        return HEADER_SIZE + decoderConfigurationRecord.length;
    }

    @Override
    public void write(BoxWriter w) {
        int avcC = w.begin("avcC");
        w.bytes(decoderConfigurationRecord);
        w.end(avcC);
    }
}
