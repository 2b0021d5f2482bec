package io.kvr.media.codec.aac;

import io.kvr.media.MalformedMediaException;
import io.kvr.media.UnsupportedMediaException;
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

    /**
     * Reads a whole AudioSpecificConfig where it sits in a bit stream, e.g. inside an LATM StreamMuxConfig
     * (14496-3 1.7.3), and returns its bits as bytes, zero-padded to a byte boundary; {@code r} is left after it.
     * The GASpecificConfig (4.4.1) is read to find the end; explicit SBR/PS (object types 5 and 29) is followed to
     * the core object type, backward-compatible extension signalling is not looked for.
     *
     * @throws MalformedMediaException if the bits run out
     * @throws UnsupportedMediaException for object types without a GASpecificConfig, a program_config_element
     *     (channelConfiguration 0) or error protection configurations 2 and 3
     */
    public static byte[] read(BitReader r) {
        long start = r.remaining();
        BitReader copy = r.copy();
        readWhole(r);
        int bitLength = (int) (start - r.remaining());
        byte[] out = new byte[(bitLength + 7) / 8];
        for (int i = 0; i < bitLength; i += 8) {
            int n = Math.min(8, bitLength - i);
            out[i / 8] = (byte) (copy.bits(n) << (8 - n));
        }
        return out;
    }

    /**
     * Samples per frame the AudioSpecificConfig {@code data} implies: 1024 or 960 for AAC (frameLengthFlag, 4.5.1.1),
     * 512 or 480 for the low-delay object type 23.
     *
     * @throws MalformedMediaException if the bits run out
     * @throws UnsupportedMediaException as {@link #read}
     */
    public static int frameLength(byte[] data) {
        return readWhole(new BitReader(data));
    }

    /** Reads AudioSpecificConfig() (1.6.2.1) up to the end of its GASpecificConfig; returns the frame length. */
    private static int readWhole(BitReader r) {
        int objectType = readObjectType(r);
        readFrequency(r);
        int channels = r.bits(4);
        if (objectType == 5 || objectType == 29) {
            readFrequency(r); // extensionSamplingFrequency
            objectType = readObjectType(r);
        }
        if (!hasGaSpecificConfig(objectType)) {
            throw new UnsupportedMediaException("AudioSpecificConfig of audioObjectType " + objectType);
        }
        if (channels == 0) {
            throw new UnsupportedMediaException("AudioSpecificConfig with a program_config_element");
        }
        // GASpecificConfig (4.4.1)
        boolean shortFrames = r.flag(); // frameLengthFlag
        if (r.flag()) { // dependsOnCoreCoder
            r.skip(14); // coreCoderDelay
        }
        boolean extension = r.flag();
        if (objectType == 6 || objectType == 20) {
            r.skip(3); // layerNr
        }
        if (extension) {
            if (objectType == 22) {
                r.skip(5 + 11); // numOfSubFrame, layer_length
            }
            if (objectType == 17 || objectType == 19 || objectType == 20 || objectType == 23) {
                r.skip(3); // the three resilience flags
            }
            r.skip(1); // extensionFlag3
        }
        if (objectType >= 17 && objectType <= 27 || objectType == 39) {
            int epConfig = r.bits(2);
            if (epConfig >= 2) {
                throw new UnsupportedMediaException("AudioSpecificConfig with epConfig " + epConfig);
            }
        }
        int frameLength = objectType == 23 ? 512 : 1024;
        return shortFrames ? frameLength * 15 / 16 : frameLength;
    }

    /** Object types whose specific config is a GASpecificConfig (1.6.2.1 syntax, 4.4.1). */
    private static boolean hasGaSpecificConfig(int objectType) {
        return switch (objectType) {
            case 1, 2, 3, 4, 6, 7, 17, 19, 20, 21, 22, 23 -> true;
            default -> false;
        };
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
