package io.kvr.media.bmff;

/**
 * TrackHeaderBox {@code tkhd} (ISO/IEC 14496-12 8.3.2) of an enabled track in the movie (flags 0x3): layer and
 * alternate group 0, unity matrix, creation times 0; version 1 only when the duration needs 64 bits.
 *
 * @param trackId track_ID
 * @param duration in the movie timescale; 0 when unknown
 * @param volume 8.8 fixed point: {@link #AUDIO_VOLUME} for audio, 0 otherwise
 * @param width picture width in pixels, 0 for audio
 * @param height picture height in pixels, 0 for audio
 */
public record TrackHeaderBox(int trackId, long duration, int volume, int width, int height) implements Box {
    /** Volume 1.0, what an audio track gets. */
    public static final int AUDIO_VOLUME = 0x0100;

    private static final int TRACK_ENABLED_IN_MOVIE = 0x3;

    @Override
    public long size() {
        return FULL_HEADER_SIZE
                + FullBoxFields.timesAndDurationSize(FullBoxFields.timeVersion(duration))
                + 8
                + 8
                + 8
                + FullBoxFields.MATRIX_SIZE
                + 8;
    }

    @Override
    public void write(BoxWriter w) {
        int version = FullBoxFields.timeVersion(duration);
        int tkhd = w.beginFull("tkhd", version, TRACK_ENABLED_IN_MOVIE);
        FullBoxFields.times(w, version);
        w.u32(trackId);
        w.u32(0); // reserved
        FullBoxFields.duration(w, version, duration);
        w.zeros(8); // reserved
        w.u16(0); // layer
        w.u16(0); // alternate_group
        w.u16(volume);
        w.u16(0); // reserved
        FullBoxFields.unityMatrix(w);
        w.u32((long) width << 16); // 16.16 fixed point
        w.u32((long) height << 16);
        w.end(tkhd);
    }
}
