package io.kvr.media.codec.aac;

import io.kvr.media.MalformedMediaException;
import io.kvr.media.bitstream.BitReader;

/**
 * The leading fields of an AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1).
 *
 * @param audioObjectType audioObjectType (Table 1.17; 2 is AAC LC); for explicit SBR/PS signalling (5, 29) this
 *     is 5 or 29, as the RFC 6381 codecs string wants it
 * @param samplingFrequency the core sampling frequency in Hz, from samplingFrequencyIndex (Table 1.18) or the
 *     explicit 24-bit value
 * @param channelConfiguration channelConfiguration (Table 1.19); 0 means a program_config_element defines them
 */
public record AudioSpecificConfig(int audioObjectType, int samplingFrequency, int channelConfiguration) {

    /** samplingFrequencyIndex to Hz (14496-3 Table 1.18); indexes 13 and 14 are reserved. */
    private static final int[] SAMPLING_FREQUENCIES = {
        96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350
    };

    public AudioSpecificConfig {
        if (audioObjectType < 1
                || audioObjectType > 95
                || samplingFrequency <= 0
                || channelConfiguration < 0
                || channelConfiguration > 15) {
            throw new IllegalArgumentException("AudioSpecificConfig(" + audioObjectType + ", " + samplingFrequency
                    + ", " + channelConfiguration + ")");
        }
    }

    /**
     * The two-byte AudioSpecificConfig of AAC-LC (object type 2) at {@code sampleRate} Hz (one of Table 1.18's) with
     * {@code channels} (channelConfiguration 1-7).
     */
    public static byte[] lowComplexity(int sampleRate, int channels) {
        int index = -1;
        for (int i = 0; i < SAMPLING_FREQUENCIES.length; i++) {
            if (SAMPLING_FREQUENCIES[i] == sampleRate) {
                index = i;
            }
        }
        if (index < 0 || channels < 1 || channels > 7) {
            throw new IllegalArgumentException(
                    "no AAC-LC configuration for " + sampleRate + " Hz, " + channels + " channels");
        }
        return new byte[] {(byte) (2 << 3 | index >> 1), (byte) ((index & 1) << 7 | channels << 3)};
    }

    /** Parses the leading fields of an AudioSpecificConfig. */
    public static AudioSpecificConfig parse(byte[] data) {
        if (data.length < 2) {
            throw new MalformedMediaException("AudioSpecificConfig of " + data.length + " bytes");
        }
        BitReader r = new BitReader(data);
        int objectType = readObjectType(r);
        int frequency = readFrequency(r);
        int channels = r.bits(4);
        return new AudioSpecificConfig(objectType, frequency, channels);
    }

    /** Sampling frequency for a samplingFrequencyIndex, or -1 when the index is reserved or escaped. */
    public static int samplingFrequency(int index) {
        return index >= 0 && index < SAMPLING_FREQUENCIES.length ? SAMPLING_FREQUENCIES[index] : -1;
    }

    /** samplingFrequencyIndex of a frequency, or -1 when it has none and needs the 24-bit escape. */
    public static int samplingFrequencyIndex(int frequency) {
        for (int i = 0; i < SAMPLING_FREQUENCIES.length; i++) {
            if (SAMPLING_FREQUENCIES[i] == frequency) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The shortest AudioSpecificConfig for these fields with a GASpecificConfig of frameLengthFlag = 0 (1024
     * samples), dependsOnCoreCoder = 0, extensionFlag = 0 (4.4.1): what an ADTS header implies.
     */
    public byte[] toBytes() {
        long bits = 0;
        int count = 0;
        if (audioObjectType >= 31) {
            bits = (31L << 6) | (audioObjectType - 32);
            count = 11;
        } else {
            bits = audioObjectType;
            count = 5;
        }
        int index = samplingFrequencyIndex(samplingFrequency);
        if (index >= 0) {
            bits = (bits << 4) | index;
            count += 4;
        } else {
            bits = (bits << 28) | (0xfL << 24) | samplingFrequency;
            count += 28;
        }
        bits = (bits << 4) | channelConfiguration;
        count += 4;
        bits <<= 3; // frameLengthFlag, dependsOnCoreCoder, extensionFlag
        count += 3;
        int bytes = (count + 7) / 8;
        bits <<= bytes * 8 - count;
        byte[] out = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            out[i] = (byte) (bits >>> (8 * (bytes - 1 - i)));
        }
        return out;
    }

    private static int readObjectType(BitReader r) {
        int type = r.bits(5);
        return type == 31 ? 32 + r.bits(6) : type;
    }

    private static int readFrequency(BitReader r) {
        int index = r.bits(4);
        if (index == 0xf) {
            return r.bits(24);
        }
        int frequency = samplingFrequency(index);
        if (frequency < 0) {
            throw new MalformedMediaException("reserved samplingFrequencyIndex " + index);
        }
        return frequency;
    }
}
