package io.kvr.media.sdp;

import io.kvr.media.rtp.RtpFormatException;
import java.util.Locale;

/**
 * What a media section's payload type means: its rtpmap and format parameters read into media-core's codec types
 * for the formats kvr handles, {@link OtherPayloadFormat} for the rest. Each writes itself back as an rtpmap and
 * fmtp that read back to an equal value.
 */
public sealed interface PayloadFormat
        permits H264PayloadFormat,
                H265PayloadFormat,
                Mpeg4VisualPayloadFormat,
                AacPayloadFormat,
                LatmPayloadFormat,
                OpusPayloadFormat,
                G711PayloadFormat,
                OtherPayloadFormat {

    /** RTP payload type, 0..127. */
    int payloadType();

    /** The {@code m=} media type: {@code video} or {@code audio} for the formats kvr handles. */
    String media();

    /** The rtpmap this format is written with. */
    RtpMap rtpMap();

    /** The format parameters this format is written with; none for formats without any. */
    FormatParameters formatParameters();

    /**
     * The format of a media section's first payload type.
     *
     * @throws RtpFormatException if the section names no payload type, a dynamic one has no rtpmap, or its
     *     rtpmap or format parameters are malformed (the message names the parameter)
     */
    static PayloadFormat of(MediaDescription section) throws RtpFormatException {
        int payloadType = section.payloadType();
        if (payloadType < 0) {
            throw new RtpFormatException("m=" + section.media() + " names no RTP payload type");
        }
        return of(section, payloadType);
    }

    /**
     * The format of one of a media section's payload types.
     *
     * @throws RtpFormatException as {@link #of(MediaDescription)}
     */
    static PayloadFormat of(MediaDescription section, int payloadType) throws RtpFormatException {
        RtpMap rtpMap = section.rtpMap(payloadType)
                .orElseThrow(() -> new RtpFormatException("payload type " + payloadType + " has no rtpmap"));
        FormatParameters parameters = section.formatParameters(payloadType);
        return switch (rtpMap.encoding().toUpperCase(Locale.ROOT)) {
            case H264PayloadFormat.ENCODING -> H264PayloadFormat.of(rtpMap, parameters);
            case H265PayloadFormat.ENCODING -> H265PayloadFormat.of(rtpMap, parameters);
            case Mpeg4VisualPayloadFormat.ENCODING -> Mpeg4VisualPayloadFormat.of(rtpMap, parameters);
            case AacPayloadFormat.ENCODING ->
                section.media().equalsIgnoreCase("audio")
                        ? AacPayloadFormat.of(rtpMap, parameters)
                        : new OtherPayloadFormat(section.media(), rtpMap, parameters);
            case LatmPayloadFormat.ENCODING -> LatmPayloadFormat.of(rtpMap, parameters);
            case OpusPayloadFormat.ENCODING -> OpusPayloadFormat.of(rtpMap, parameters);
            case G711PayloadFormat.MU_LAW, G711PayloadFormat.A_LAW -> G711PayloadFormat.of(rtpMap);
            default -> new OtherPayloadFormat(section.media(), rtpMap, parameters);
        };
    }
}
