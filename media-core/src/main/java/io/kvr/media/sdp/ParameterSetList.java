package io.kvr.media.sdp;

import io.kvr.media.MediaException;
import io.kvr.media.codec.VideoCodec;
import io.kvr.media.codec.VideoFormat;
import io.kvr.media.rtp.RtpFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The NAL units of a {@code sprop-*} format parameter: base64 items separated by commas (RFC 6184 8.1
 * {@code sprop-parameter-sets}, RFC 7798 7.1 {@code sprop-vps}/{@code sprop-sps}/{@code sprop-pps}).
 */
final class ParameterSetList {

    private ParameterSetList() {}

    /** The NAL units, in order; empty items (a trailing comma) are skipped. */
    static List<byte[]> decode(String value, String parameter) throws RtpFormatException {
        List<byte[]> units = new ArrayList<>(2);
        for (String item : value.split(",")) {
            byte[] unit = SdpText.base64(item.strip(), parameter);
            if (unit.length > 0) {
                units.add(unit);
            }
        }
        return units;
    }

    static String encode(List<byte[]> units) {
        StringBuilder out = new StringBuilder();
        for (byte[] unit : units) {
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(SdpText.base64(unit));
        }
        return out.toString();
    }

    /**
     * The format these parameter sets give (size from the first SPS), empty when one the codec needs is missing:
     * the sender then brings them in band.
     *
     * @throws RtpFormatException naming {@code parameter} if the SPS does not parse
     */
    static Optional<VideoFormat> videoFormat(
            VideoCodec codec, List<byte[]> vps, List<byte[]> sps, List<byte[]> pps, String parameter)
            throws RtpFormatException {
        if (sps.isEmpty() || pps.isEmpty() || (codec == VideoCodec.H265 && vps.isEmpty())) {
            return Optional.empty();
        }
        try {
            return Optional.of(VideoFormat.of(codec, vps, sps, pps));
        } catch (MediaException | IllegalArgumentException e) {
            throw new RtpFormatException(parameter + ": " + e.getMessage(), e);
        }
    }
}
