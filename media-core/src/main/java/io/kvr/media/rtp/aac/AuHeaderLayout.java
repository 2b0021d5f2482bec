package io.kvr.media.rtp.aac;

import io.kvr.media.rtp.RtpFormatException;
import java.util.Map;

/**
 * The AU header fields an RFC 3640 stream carries (3.2.1), from its SDP {@code fmtp} parameters (4.1): only the
 * AU-size, AU-Index and AU-Index-delta fields that the AAC modes use (3.3.5 AAC-lbr, 3.3.6 AAC-hbr).
 *
 * @param sizeLength bits of AU-size, 1..16
 * @param indexLength bits of AU-Index in the first AU header, 0..8
 * @param indexDeltaLength bits of AU-Index-delta in the following ones, 0..8
 */
public record AuHeaderLayout(int sizeLength, int indexLength, int indexDeltaLength) {

    /** AAC-hbr (RFC 3640 3.3.6): AU-size of 13 bits, AU-Index and AU-Index-delta of 3. */
    public static final AuHeaderLayout AAC_HBR = new AuHeaderLayout(13, 3, 3);

    /** AAC-lbr (RFC 3640 3.3.5): AU-size of 6 bits, AU-Index and AU-Index-delta of 2. */
    public static final AuHeaderLayout AAC_LBR = new AuHeaderLayout(6, 2, 2);

    /** fmtp parameters that add AU header fields or an auxiliary section this layout does not read. */
    private static final String[] UNSUPPORTED = {
        "ctsdeltalength", "dtsdeltalength", "randomaccessindication", "streamstateindication", "auxiliarydatasizelength"
    };

    public AuHeaderLayout {
        if (sizeLength < 1
                || sizeLength > 16
                || indexLength < 0
                || indexLength > 8
                || indexDeltaLength < 0
                || indexDeltaLength > 8) {
            throw new IllegalArgumentException(
                    "AU header layout " + sizeLength + "/" + indexLength + "/" + indexDeltaLength);
        }
    }

    /**
     * The layout an SDP {@code fmtp} line gives (parameter names are case-insensitive, RFC 3640 4.1; an absent
     * length is 0).
     *
     * @throws RtpFormatException if sizeLength is missing or out of range, a value is not a number, or the stream
     *     has CTS/DTS deltas, random access or stream state indications or an auxiliary section
     */
    public static AuHeaderLayout fromFmtp(Map<String, String> fmtp) throws RtpFormatException {
        for (String name : UNSUPPORTED) {
            if (number(fmtp, name) != 0) {
                throw new RtpFormatException("mpeg4-generic with " + name + " is not supported");
            }
        }
        int size = number(fmtp, "sizelength");
        int index = number(fmtp, "indexlength");
        int delta = number(fmtp, "indexdeltalength");
        if (size < 1 || size > 16 || index > 8 || delta > 8) {
            throw new RtpFormatException(
                    "mpeg4-generic sizeLength " + size + ", indexLength " + index + ", indexDeltaLength " + delta);
        }
        return new AuHeaderLayout(size, index, delta);
    }

    /** Bits of the AU header of the {@code i}-th access unit of a packet (0-based). */
    int headerBits(int i) {
        return sizeLength + (i == 0 ? indexLength : indexDeltaLength);
    }

    /** Largest AU-size the layout can express. */
    int maxUnitSize() {
        return (1 << sizeLength) - 1;
    }

    private static int number(Map<String, String> fmtp, String name) throws RtpFormatException {
        for (Map.Entry<String, String> e : fmtp.entrySet()) {
            if (e.getKey().trim().equalsIgnoreCase(name)) {
                try {
                    int value = Integer.parseInt(e.getValue().trim());
                    if (value < 0) {
                        throw new RtpFormatException("fmtp " + name + "=" + value);
                    }
                    return value;
                } catch (NumberFormatException ex) {
                    throw new RtpFormatException("fmtp " + name + "=" + e.getValue(), ex);
                }
            }
        }
        return 0;
    }
}
