package io.kvr.media.bmff;

/**
 * ESDBox {@code esds} (ISO/IEC 14496-14 3.1.2): an ES_Descriptor (ISO/IEC 14496-1 7.2.6.5) with ES_ID 0, a
 * DecoderConfigDescriptor (7.2.6.6) of the given objectTypeIndication and streamType (Table 5, Table 6) holding
 * {@code decoderSpecificInfo} (the AudioSpecificConfig for AAC, the VOS/VOL header for MPEG-4 Part 2), and an
 * SLConfigDescriptor with predefined = 2, as files use.
 */
public record ElementaryStreamDescriptorBox(int objectTypeIndication, int streamType, byte[] decoderSpecificInfo)
        implements Box {
    /** objectTypeIndication (ISO/IEC 14496-1 Table 5): Visual ISO/IEC 14496-2. */
    public static final int OBJECT_TYPE_VISUAL_14496_2 = 0x20;
    /** objectTypeIndication (ISO/IEC 14496-1 Table 5): Audio ISO/IEC 14496-3. */
    public static final int OBJECT_TYPE_AUDIO_14496_3 = 0x40;
    /** streamType (ISO/IEC 14496-1 Table 6): VisualStream. */
    public static final int STREAM_TYPE_VISUAL = 0x04;
    /** streamType (ISO/IEC 14496-1 Table 6): AudioStream. */
    public static final int STREAM_TYPE_AUDIO = 0x05;

    private static final int ES_DESCR_TAG = 0x03;
    private static final int DECODER_CONFIG_DESCR_TAG = 0x04;
    private static final int DEC_SPECIFIC_INFO_TAG = 0x05;
    private static final int SL_CONFIG_DESCR_TAG = 0x06;
    private static final int SL_CONFIG_SIZE = 1;

    @Override
    public long size() {
        return FULL_HEADER_SIZE + descriptorSize(esDescriptorSize());
    }

    @Override
    public void write(BoxWriter w) {
        int esds = w.beginFull("esds", 0, 0);
        descriptorHeader(w, ES_DESCR_TAG, esDescriptorSize());
        w.u16(0); // ES_ID: 0 in files
        w.u8(0); // streamDependenceFlag, URL_Flag, OCRstreamFlag, streamPriority
        descriptorHeader(w, DECODER_CONFIG_DESCR_TAG, decoderConfigSize());
        w.u8(objectTypeIndication);
        w.u8((streamType << 2) | 0x01); // streamType, upStream 0, reserved 1
        w.u24(0); // bufferSizeDB
        w.u32(0); // maxBitrate
        w.u32(0); // avgBitrate
        descriptorHeader(w, DEC_SPECIFIC_INFO_TAG, decoderSpecificInfo.length);
        w.bytes(decoderSpecificInfo);
        descriptorHeader(w, SL_CONFIG_DESCR_TAG, SL_CONFIG_SIZE);
        w.u8(0x02); // predefined: reserved for use in MP4 files
        w.end(esds);
    }

    private int decoderConfigSize() {
        return 13 + descriptorSize(decoderSpecificInfo.length);
    }

    private int esDescriptorSize() {
        return 3 + descriptorSize(decoderConfigSize()) + descriptorSize(SL_CONFIG_SIZE);
    }

    /** Tag, then the size in the expandable form of 14496-1 8.3.3 (7 bits per byte, high bit: more follow). */
    private static void descriptorHeader(BoxWriter w, int tag, int size) {
        w.u8(tag);
        int bytes = sizeFieldBytes(size);
        for (int i = bytes - 1; i >= 0; i--) {
            w.u8(((size >>> (7 * i)) & 0x7f) | (i > 0 ? 0x80 : 0));
        }
    }

    private static int descriptorSize(int payload) {
        return 1 + sizeFieldBytes(payload) + payload;
    }

    private static int sizeFieldBytes(int size) {
        int bytes = 1;
        while (size >= 1 << (7 * bytes)) {
            bytes++;
        }
        return bytes;
    }
}
