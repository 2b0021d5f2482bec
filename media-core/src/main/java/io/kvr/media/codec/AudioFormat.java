package io.kvr.media.codec;

import io.kvr.media.codec.aac.AdtsHeader;
import io.kvr.media.codec.aac.AudioSpecificConfig;
import java.util.Arrays;

/**
 * Configuration of an MPEG-4 AAC audio track (ISO/IEC 14496-3). The config array is shared, not copied; do not
 * mutate it.
 *
 * @param audioObjectType audioObjectType (2: AAC LC, 5: HE-AAC, 29: HE-AACv2)
 * @param sampleRate sampling frequency in Hz; also the track's timescale
 * @param channels channelConfiguration (0: defined by a program config element)
 * @param audioSpecificConfig the AudioSpecificConfig bytes (14496-3 1.6.2.1), as written into the esds
 */
public record AudioFormat(int audioObjectType, int sampleRate, int channels, byte[] audioSpecificConfig)
        implements TrackFormat {

    public AudioFormat {
        if (audioObjectType < 1 || sampleRate <= 0 || channels < 0 || audioSpecificConfig.length == 0) {
            throw new IllegalArgumentException("AudioFormat(" + audioObjectType + ", " + sampleRate + ", " + channels
                    + ", " + audioSpecificConfig.length + " bytes)");
        }
    }

    /** The format an AudioSpecificConfig describes, keeping its bytes as they are. */
    public static AudioFormat fromAudioSpecificConfig(byte[] audioSpecificConfig) {
        AudioSpecificConfig config = AudioSpecificConfig.parse(audioSpecificConfig);
        return new AudioFormat(
                config.audioObjectType(),
                config.samplingFrequency(),
                config.channelConfiguration(),
                audioSpecificConfig.clone());
    }

    /** The format an ADTS header implies (its AudioSpecificConfig is built from the header fields). */
    public static AudioFormat fromAdts(AdtsHeader header) {
        return fromAudioSpecificConfig(header.audioSpecificConfig());
    }

    /** {@code mp4a.40.<audioObjectType>} (RFC 6381 3.3, ISO/IEC 14496-1 objectTypeIndication 0x40). */
    @Override
    public String codecsString() {
        return "mp4a.40." + audioObjectType;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AudioFormat f
                && f.audioObjectType == audioObjectType
                && f.sampleRate == sampleRate
                && f.channels == channels
                && Arrays.equals(f.audioSpecificConfig, audioSpecificConfig);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * audioObjectType + sampleRate) + channels) + Arrays.hashCode(audioSpecificConfig);
    }

    @Override
    public String toString() {
        return "AudioFormat[" + codecsString() + " " + sampleRate + " Hz, " + channels + " ch]";
    }
}
