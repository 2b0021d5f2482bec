package io.kvr.bridge.rtsp;

import io.kvr.schemas.Codec;

/**
 * One elementary stream of an opened source, as FFmpeg describes it.
 *
 * @param frameRateNum the stream's frame rate as FFmpeg guesses it (video; 0 when unknown)
 * @param extradata codec configuration given out of band (SDP): H.264/H.265 parameter sets in Annex B form, AAC
 *     AudioSpecificConfig, MPEG-4 Part 2 VOL header; empty when none
 */
public record SourceTrack(
        int index,
        Codec codec,
        boolean video,
        int timebaseNum,
        int timebaseDen,
        int width,
        int height,
        int sampleRate,
        int channels,
        byte[] extradata,
        int frameRateNum,
        int frameRateDen) {
    public boolean audio() {
        return sampleRate > 0 && !video;
    }
}
