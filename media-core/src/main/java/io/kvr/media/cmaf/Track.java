package io.kvr.media.cmaf;

import io.kvr.media.codec.AudioFormat;
import io.kvr.media.codec.TrackFormat;
import io.kvr.media.codec.VisualFormat;
import java.util.Objects;

/**
 * One track of an init segment.
 *
 * @param trackId track_ID (ISO/IEC 14496-12 8.3.2), 1 or more, unique in the init segment
 * @param format codec configuration written into the sample entry
 * @param timescale media timescale (mdhd, 8.4.2): units per second of decode times and durations
 */
public record Track(int trackId, TrackFormat format, int timescale) {

    /** The usual video timescale: 90 kHz, the RTP / MPEG-TS clock. */
    public static final int VIDEO_TIMESCALE = 90_000;

    public Track {
        Objects.requireNonNull(format, "format");
        if (trackId < 1 || timescale < 1) {
            throw new IllegalArgumentException("track " + trackId + " timescale " + timescale);
        }
    }

    /** A video track at {@link #VIDEO_TIMESCALE}. */
    public static Track video(int trackId, VisualFormat format) {
        return new Track(trackId, format, VIDEO_TIMESCALE);
    }

    /** An audio track whose timescale is its sample rate. */
    public static Track audio(int trackId, AudioFormat format) {
        return new Track(trackId, format, format.sampleRate());
    }
}
