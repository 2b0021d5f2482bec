package io.kvr.media.sdp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The session descriptions under {@code src/test/resources/sdp}: captured from FFmpeg and GStreamer, and camera-like. */
final class SdpFixtures {

    static final List<String> NAMES = List.of(
            "ffmpeg-h264-aac.sdp",
            "ffmpeg-latm.sdp",
            "ffmpeg-mpeg4-pcmu.sdp",
            "ffmpeg-opus.sdp",
            "ffmpeg-pcma.sdp",
            "gst-h264aac.sdp",
            "gst-h264opus.sdp",
            "gst-h264pcmu.sdp",
            "gst-h265aac.sdp",
            "gst-mpeg4.sdp",
            "camera-hikvision-style.sdp",
            "camera-axis-style.sdp",
            "camera-dahua-style.sdp");

    private SdpFixtures() {}

    static byte[] bytes(String name) {
        try (InputStream in = SdpFixtures.class.getResourceAsStream("/sdp/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
