package io.kvr.media.codec.aac;

import io.kvr.media.MalformedMediaException;
import io.kvr.media.UnsupportedMediaException;

/**
 * An ADTS frame header (ISO/IEC 14496-3 1.A.3.2: adts_fixed_header and adts_variable_header, plus the 16-bit
 * crc_check when protection_absent is 0). Cameras and MPEG-TS carry AAC this way; MP4 wants the raw frame after
 * {@link #headerLength()} and an AudioSpecificConfig, {@link #audioSpecificConfig()}.
 *
 * @param audioObjectType profile_ObjectType + 1 (2 for AAC LC)
 * @param samplingFrequencyIndex sampling_frequency_index
 * @param channelConfiguration channel_configuration
 * @param protectionAbsent protection_absent; false means a 2-byte CRC follows the 7-byte header
 * @param frameLength aac_frame_length: header and payload, in bytes
 * @param rawDataBlocks number_of_raw_data_blocks_in_frame + 1; each block is 1024 samples
 */
public record AdtsHeader(
        int audioObjectType,
        int samplingFrequencyIndex,
        int channelConfiguration,
        boolean protectionAbsent,
        int frameLength,
        int rawDataBlocks) {

    /** Whether {@code data} has the 12-bit ADTS syncword 0xFFF at {@code offset}. */
    public static boolean hasSyncword(byte[] data, int offset) {
        return offset >= 0
                && offset + 1 < data.length
                && (data[offset] & 0xff) == 0xff
                && (data[offset + 1] & 0xf0) == 0xf0;
    }

    /**
     * Parses the header at {@code offset}.
     *
     * @throws MalformedMediaException if there is no syncword, the layer is not 0, the header is truncated or the
     *     frame length is shorter than the header or longer than the data
     */
    public static AdtsHeader parse(byte[] data, int offset) {
        if (!hasSyncword(data, offset)) {
            throw new MalformedMediaException("no ADTS syncword at " + offset);
        }
        if (offset + 7 > data.length) {
            throw new MalformedMediaException("ADTS header truncated at " + offset);
        }
        int b1 = data[offset + 1] & 0xff;
        int b2 = data[offset + 2] & 0xff;
        int b3 = data[offset + 3] & 0xff;
        int b4 = data[offset + 4] & 0xff;
        int b5 = data[offset + 5] & 0xff;
        int b6 = data[offset + 6] & 0xff;
        if ((b1 & 0x06) != 0) {
            throw new MalformedMediaException("ADTS layer " + ((b1 >> 1) & 3));
        }
        boolean protectionAbsent = (b1 & 1) == 1;
        int objectType = (b2 >> 6) + 1;
        int frequencyIndex = (b2 >> 2) & 0xf;
        int channels = ((b2 & 1) << 2) | (b3 >> 6);
        int frameLength = ((b3 & 0x3) << 11) | (b4 << 3) | (b5 >> 5);
        int blocks = (b6 & 0x3) + 1;
        int headerLength = protectionAbsent ? 7 : 9;
        if (AudioSpecificConfig.samplingFrequency(frequencyIndex) < 0) {
            throw new MalformedMediaException("reserved ADTS sampling_frequency_index " + frequencyIndex);
        }
        if (frameLength < headerLength || offset + frameLength > data.length) {
            throw new MalformedMediaException(
                    "ADTS aac_frame_length " + frameLength + " at " + offset + " of " + data.length + " bytes");
        }
        return new AdtsHeader(objectType, frequencyIndex, channels, protectionAbsent, frameLength, blocks);
    }

    /** 7 bytes, or 9 with the CRC. */
    public int headerLength() {
        return protectionAbsent ? 7 : 9;
    }

    /** Bytes of raw AAC after the header. */
    public int payloadLength() {
        return frameLength - headerLength();
    }

    public int sampleRate() {
        return AudioSpecificConfig.samplingFrequency(samplingFrequencyIndex);
    }

    /**
     * The AudioSpecificConfig this header implies.
     *
     * @throws UnsupportedMediaException for frames of several raw data blocks, which MP4 cannot split without
     *     decoding (each MP4 sample must be one raw_data_block)
     */
    public byte[] audioSpecificConfig() {
        requireSingleBlock();
        return new AudioSpecificConfig(audioObjectType, sampleRate(), channelConfiguration).toBytes();
    }

    /** The raw AAC frame of the ADTS frame at {@code offset}, header removed (a copy). */
    public static byte[] rawFrame(byte[] data, int offset) {
        AdtsHeader header = parse(data, offset);
        header.requireSingleBlock();
        return java.util.Arrays.copyOfRange(data, offset + header.headerLength(), offset + header.frameLength());
    }

    private void requireSingleBlock() {
        if (rawDataBlocks != 1) {
            throw new UnsupportedMediaException("ADTS frame with " + rawDataBlocks + " raw data blocks");
        }
    }
}
