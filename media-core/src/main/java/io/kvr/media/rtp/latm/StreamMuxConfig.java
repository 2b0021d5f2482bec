package io.kvr.media.rtp.latm;

import io.kvr.media.MediaException;
import io.kvr.media.bitstream.BitReader;
import io.kvr.media.codec.AudioFormat;
import io.kvr.media.codec.aac.AudioSpecificConfig;
import io.kvr.media.rtp.RtpFormatException;
import java.util.HexFormat;

/**
 * The parts of an LATM StreamMuxConfig (ISO/IEC 14496-3 1.7.3, Table 1.42) an RTP receiver of one AAC stream
 * needs: one program of one layer, all streams on the same time framing, frameLengthType 0 (payload lengths in
 * bytes, 0xFF runs), no other data. audioMuxVersion 0 and 1 are read; audioMuxVersionA 1 is refused.
 *
 * @param numSubFrames PayloadMux elements per audioMuxElement, minus one (0..63)
 * @param audioFormat the layer's AudioSpecificConfig
 */
public record StreamMuxConfig(int numSubFrames, AudioFormat audioFormat) {

    public StreamMuxConfig {
        if (numSubFrames < 0 || numSubFrames > 63) {
            throw new IllegalArgumentException("numSubFrames " + numSubFrames);
        }
    }

    /**
     * The StreamMuxConfig of the SDP {@code config} parameter (RFC 6416 7.1: hexadecimal).
     *
     * @throws RtpFormatException if it is not hexadecimal or {@link #parse} refuses it
     */
    public static StreamMuxConfig fromHex(String config) throws RtpFormatException {
        byte[] bytes;
        try {
            bytes = HexFormat.of().parseHex(config.trim());
        } catch (IllegalArgumentException e) {
            throw new RtpFormatException("LATM config is not hexadecimal: " + config, e);
        }
        return parse(bytes);
    }

    /**
     * Reads a StreamMuxConfig.
     *
     * @throws RtpFormatException if it is cut short, or uses what this class does not read (several programs or
     *     layers, frameLengthType other than 0, other data, audioMuxVersionA 1, an AudioSpecificConfig without a
     *     GASpecificConfig)
     */
    public static StreamMuxConfig parse(byte[] config) throws RtpFormatException {
        try {
            BitReader r = new BitReader(config);
            int audioMuxVersion = r.bits(1);
            if (audioMuxVersion == 1 && r.bits(1) == 1) {
                throw new RtpFormatException("LATM audioMuxVersionA 1 is not supported");
            }
            if (audioMuxVersion == 1) {
                latmValue(r); // taraBufferFullness
            }
            if (!r.flag()) {
                throw new RtpFormatException("LATM without allStreamsSameTimeFraming is not supported");
            }
            int numSubFrames = r.bits(6);
            int numProgram = r.bits(4);
            int numLayer = r.bits(3);
            if (numProgram != 0 || numLayer != 0) {
                throw new RtpFormatException(
                        "LATM with " + (numProgram + 1) + " programs, " + (numLayer + 1) + " layers");
            }
            byte[] audioSpecificConfig;
            if (audioMuxVersion == 0) {
                audioSpecificConfig = AudioSpecificConfig.read(r);
            } else {
                long ascLen = latmValue(r);
                long before = r.remaining();
                audioSpecificConfig = AudioSpecificConfig.read(r);
                long fill = ascLen - (before - r.remaining());
                if (fill < 0) {
                    throw new RtpFormatException("LATM ascLen " + ascLen + " shorter than its AudioSpecificConfig");
                }
                r.skip(fill);
            }
            int frameLengthType = r.bits(3);
            if (frameLengthType != 0) {
                throw new RtpFormatException("LATM frameLengthType " + frameLengthType + " is not supported");
            }
            r.skip(8); // latmBufferFullness
            if (r.flag()) {
                throw new RtpFormatException("LATM with other data is not supported");
            }
            AudioFormat format = AudioFormat.fromAudioSpecificConfig(audioSpecificConfig);
            AudioSpecificConfig.frameLength(audioSpecificConfig);
            return new StreamMuxConfig(numSubFrames, format);
        } catch (MediaException | IllegalArgumentException e) {
            throw new RtpFormatException("LATM StreamMuxConfig: " + e.getMessage(), e);
        }
    }

    /**
     * The StreamMuxConfig a sender gives for one AAC stream (audioMuxVersion 0, one subframe per audioMuxElement,
     * latmBufferFullness 0xFF), as the SDP {@code config} wants it.
     *
     * @throws IllegalArgumentException if {@code audioSpecificConfig} cannot be read
     */
    public static StreamMuxConfig of(AudioFormat format) {
        try {
            AudioSpecificConfig.frameLength(format.audioSpecificConfig());
        } catch (MediaException e) {
            throw new IllegalArgumentException("AudioSpecificConfig: " + e.getMessage(), e);
        }
        return new StreamMuxConfig(0, format);
    }

    /** Samples per access unit, from the AudioSpecificConfig (1024 for AAC). */
    public int frameLength() {
        return AudioSpecificConfig.frameLength(audioFormat.audioSpecificConfig());
    }

    /** This configuration written as audioMuxVersion 0, latmBufferFullness 0xFF (the inverse of {@link #parse}). */
    public byte[] toBytes() {
        byte[] asc = audioFormat.audioSpecificConfig();
        BitReader r = new BitReader(asc);
        AudioSpecificConfig.read(r);
        int ascBits = (int) (asc.length * 8L - r.remaining());
        int total = 15 + ascBits + 3 + 8 + 2;
        byte[] out = new byte[(total + 7) / 8];
        int bit = 0;
        bit = put(out, bit, 0, 1); // audioMuxVersion
        bit = put(out, bit, 1, 1); // allStreamsSameTimeFraming
        bit = put(out, bit, numSubFrames, 6);
        bit = put(out, bit, 0, 4 + 3); // numProgram, numLayer
        BitReader copy = new BitReader(asc);
        for (int left = ascBits; left > 0; left -= 8) {
            int n = Math.min(8, left);
            bit = put(out, bit, copy.bits(n), n);
        }
        bit = put(out, bit, 0, 3); // frameLengthType
        bit = put(out, bit, 0xff, 8); // latmBufferFullness
        put(out, bit, 0, 2); // otherDataPresent, crcCheckPresent
        return out;
    }

    /** {@link #toBytes} in hexadecimal, as the SDP {@code config} parameter. */
    public String toHex() {
        return HexFormat.of().formatHex(toBytes());
    }

    /** LatmGetValue() (1.7.3): bytesForValue, then that many bytes plus one. */
    private static long latmValue(BitReader r) {
        int bytes = r.bits(2) + 1;
        return r.longBits(8 * bytes);
    }

    private static int put(byte[] out, int bit, int value, int n) {
        for (int i = n - 1; i >= 0; i--, bit++) {
            if ((value >>> i & 1) != 0) {
                out[bit >>> 3] |= (byte) (0x80 >>> (bit & 7));
            }
        }
        return bit;
    }
}
