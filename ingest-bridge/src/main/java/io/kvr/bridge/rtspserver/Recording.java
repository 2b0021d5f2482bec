package io.kvr.bridge.rtspserver;

import io.kvr.bridge.camera.CameraConfig;
import java.util.List;

/** Where a publisher's RECORD sends its interleaved frames: in production a {@link PushedStream}. */
public interface Recording extends AutoCloseable {
    /** Takes the next frame, on the connection's event loop: must not block. */
    void offer(InterleavedFrame frame);

    /** The publisher stopped: what is held is finished, then the recording ends. */
    @Override
    void close();

    /** Starts recordings. */
    @FunctionalInterface
    interface Starter {
        /**
         * @param channels per interleaved channel 0..255: the track whose RTP it carries ({@code index}), whose
         *     RTCP ({@code -2 - index}), or -1
         */
        Recording start(
                CameraConfig stream, List<AnnouncedTrack> tracks, int[] channels, PushedStream.Connection connection);
    }
}
