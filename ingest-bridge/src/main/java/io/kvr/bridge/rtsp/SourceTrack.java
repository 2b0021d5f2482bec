package io.kvr.bridge.rtsp;

import io.kvr.schemas.Codec;

/** One elementary stream of an opened source, as FFmpeg describes it. */
public record SourceTrack(int index, Codec codec, boolean video, int timebaseNum, int timebaseDen, int width,
                          int height, int sampleRate, int channels, byte[] extradata) {
}
