package io.kvr.media.sdp;

/**
 * A payload format kvr does not interpret (e.g. JPEG, MP2T, ONVIF metadata, telephone events): kept as the
 * section stated it, so it can be listed, skipped or relayed unchanged.
 *
 * @param media the {@code m=} media type
 * @param rtpMap the rtpmap, stated or the static payload type's default
 * @param formatParameters the format parameters, none when the section has no fmtp for the type
 */
public record OtherPayloadFormat(String media, RtpMap rtpMap, FormatParameters formatParameters)
        implements PayloadFormat {

    public OtherPayloadFormat {
        SdpText.requireField(media, "media");
        if (media.isEmpty() || rtpMap.payloadType() != formatParameters.payloadType()) {
            throw new IllegalArgumentException(
                    "m=" + media + " rtpmap " + rtpMap.payloadType() + " fmtp " + formatParameters.payloadType());
        }
    }

    @Override
    public int payloadType() {
        return rtpMap.payloadType();
    }
}
