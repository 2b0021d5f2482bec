package io.kvr.media.sdp;

import io.kvr.media.MediaException;
import io.kvr.media.codec.AudioFormat;
import io.kvr.media.rtp.RtpFormatException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AAC over RTP as {@code mpeg4-generic} (RFC 3640): the AU header layout the depacketizer needs (3.2.1) and the
 * AudioSpecificConfig of {@code config} (4.1).
 *
 * @param payloadType RTP payload type
 * @param clockRate RTP clock rate, usually the sampling rate
 * @param format the AudioSpecificConfig of {@code config}
 * @param mode {@code mode} as written, e.g. {@code AAC-hbr} (3.3.6) or {@code AAC-lbr} (3.3.5); empty when absent
 * @param sizeLength {@code sizeLength}: bits of an AU header's AU-size, 0 when absent
 * @param indexLength {@code indexLength}: bits of the first AU header's AU-Index, 0 when absent
 * @param indexDeltaLength {@code indexDeltaLength}: bits of the AU-Index-delta of the others, 0 when absent
 */
public record AacPayloadFormat(
        int payloadType,
        int clockRate,
        AudioFormat format,
        String mode,
        int sizeLength,
        int indexLength,
        int indexDeltaLength)
        implements PayloadFormat {

    static final String ENCODING = "MPEG4-GENERIC";

    /** Widest AU header field this package accepts, in bits: AU-size and AU-Index fit in 32. */
    public static final int MAX_FIELD_BITS = 32;

    public AacPayloadFormat {
        SdpText.requireField(mode, "mode");
        if (payloadType < 0
                || payloadType > 127
                || clockRate <= 0
                || mode.indexOf(';') >= 0
                || !fieldBits(sizeLength)
                || !fieldBits(indexLength)
                || !fieldBits(indexDeltaLength)) {
            throw new IllegalArgumentException("mpeg4-generic payload " + payloadType + " at " + clockRate + " Hz, "
                    + mode + " " + sizeLength + "/" + indexLength + "/" + indexDeltaLength);
        }
    }

    /** AAC-hbr (RFC 3640 3.3.6: 13-bit sizes, 3-bit indexes), as kvr sends it, at the sampling rate. */
    public static AacPayloadFormat highBitRate(int payloadType, AudioFormat format) {
        return new AacPayloadFormat(payloadType, format.sampleRate(), format, "AAC-hbr", 13, 3, 3);
    }

    static AacPayloadFormat of(RtpMap rtpMap, FormatParameters parameters) throws RtpFormatException {
        String config = parameters
                .get("config")
                .orElseThrow(() -> new RtpFormatException("mpeg4-generic audio without config"));
        byte[] audioSpecificConfig = SdpText.hex(config, "config");
        AudioFormat format;
        try {
            format = AudioFormat.fromAudioSpecificConfig(audioSpecificConfig);
        } catch (MediaException | IllegalArgumentException e) {
            throw new RtpFormatException("config: " + e.getMessage(), e);
        }
        String mode = parameters.get("mode").orElse("");
        if (hasWhitespace(mode)) {
            throw new RtpFormatException("mpeg4-generic mode '" + mode + "'");
        }
        return new AacPayloadFormat(
                rtpMap.payloadType(),
                rtpMap.clockRate(),
                format,
                mode,
                bits(parameters, "sizelength"),
                bits(parameters, "indexlength"),
                bits(parameters, "indexdeltalength"));
    }

    @Override
    public String media() {
        return "audio";
    }

    @Override
    public RtpMap rtpMap() {
        return new RtpMap(payloadType, ENCODING, clockRate, format.channels());
    }

    /** streamType 5 (audio) and profile-level-id 1 as the RFC 3640 examples and FFmpeg write them. */
    @Override
    public FormatParameters formatParameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("streamtype", "5");
        p.put("profile-level-id", "1");
        if (!mode.isEmpty()) {
            p.put("mode", mode);
        }
        p.put("sizelength", Integer.toString(sizeLength));
        p.put("indexlength", Integer.toString(indexLength));
        p.put("indexdeltalength", Integer.toString(indexDeltaLength));
        p.put("config", SdpText.hex(format.audioSpecificConfig()));
        return new FormatParameters(payloadType, p);
    }

    private static int bits(FormatParameters parameters, String name) throws RtpFormatException {
        int bits = parameters.integer(name, 0);
        if (!fieldBits(bits)) {
            throw new RtpFormatException("mpeg4-generic " + name + " " + bits + " over " + MAX_FIELD_BITS);
        }
        return bits;
    }

    private static boolean fieldBits(int bits) {
        return bits >= 0 && bits <= MAX_FIELD_BITS;
    }

    private static boolean hasWhitespace(String s) {
        return s.chars().anyMatch(Character::isWhitespace);
    }
}
