package io.kvr.media.sdp;

import io.kvr.media.MediaException;
import io.kvr.media.codec.Mpeg4VisualFormat;
import io.kvr.media.rtp.RtpFormatException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * MPEG-4 Part 2 video over RTP, {@code MP4V-ES} (RFC 6416 7.1).
 *
 * @param payloadType RTP payload type
 * @param clockRate RTP clock rate, 90000 unless the sender chose another (7.1)
 * @param profileLevelId {@code profile-level-id}: profile_and_level_indication, 1 when absent (7.1) or malformed
 * @param format the VOS/VO/VOL header of {@code config} with the size it gives; empty when absent (it comes in
 *     band)
 */
public record Mpeg4VisualPayloadFormat(
        int payloadType, int clockRate, int profileLevelId, Optional<Mpeg4VisualFormat> format)
        implements PayloadFormat {

    static final String ENCODING = "MP4V-ES";

    /** {@code profile-level-id} when absent: Simple Profile level 1 (RFC 6416 7.1). */
    public static final int DEFAULT_PROFILE_LEVEL_ID = 1;

    public Mpeg4VisualPayloadFormat {
        if (payloadType < 0 || payloadType > 127 || clockRate <= 0 || profileLevelId < 0 || profileLevelId > 0xff) {
            throw new IllegalArgumentException(
                    "MP4V-ES payload " + payloadType + " at " + clockRate + " Hz, profile " + profileLevelId);
        }
    }

    /** The format kvr sends: clock rate 90000, the profile of the VOS header (Simple Profile L1 without one). */
    public static Mpeg4VisualPayloadFormat of(int payloadType, Mpeg4VisualFormat format) {
        int profile = format.profileAndLevel() < 0 ? DEFAULT_PROFILE_LEVEL_ID : format.profileAndLevel();
        return new Mpeg4VisualPayloadFormat(payloadType, 90000, profile, Optional.of(format));
    }

    static Mpeg4VisualPayloadFormat of(RtpMap rtpMap, FormatParameters parameters) throws RtpFormatException {
        // Informational only (the VOS header in config or in band is what decoders use): a malformed value is
        // read as the default rather than costing a camera its video.
        int profile;
        try {
            profile = parameters.integer("profile-level-id", DEFAULT_PROFILE_LEVEL_ID);
        } catch (RtpFormatException e) {
            profile = DEFAULT_PROFILE_LEVEL_ID;
        }
        if (profile > 0xff) {
            profile = DEFAULT_PROFILE_LEVEL_ID;
        }
        Optional<Mpeg4VisualFormat> format = Optional.empty();
        Optional<String> config = parameters.get("config");
        if (config.isPresent()) {
            byte[] header = SdpText.hex(config.get(), "config");
            try {
                format = Optional.of(Mpeg4VisualFormat.fromExtradata(header));
            } catch (MediaException | IllegalArgumentException e) {
                throw new RtpFormatException("config: " + e.getMessage(), e);
            }
        }
        return new Mpeg4VisualPayloadFormat(rtpMap.payloadType(), rtpMap.clockRate(), profile, format);
    }

    @Override
    public String media() {
        return "video";
    }

    @Override
    public RtpMap rtpMap() {
        return new RtpMap(payloadType, ENCODING, clockRate, 0);
    }

    @Override
    public FormatParameters formatParameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("profile-level-id", Integer.toString(profileLevelId));
        format.ifPresent(f -> p.put("config", SdpText.hex(f.decoderSpecificInfo())));
        return new FormatParameters(payloadType, p);
    }
}
