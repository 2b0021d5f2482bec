package io.kvr.media.bmff;

/**
 * MovieHeaderBox {@code mvhd} (ISO/IEC 14496-12 8.2.2): rate and volume 1.0, unity matrix, creation times 0;
 * version 1 only when the duration needs 64 bits.
 *
 * @param timescale ticks per second of the movie timeline
 * @param duration of the movie in {@code timescale}; 0 when unknown (fragments follow)
 * @param nextTrackId a track ID larger than any in use
 */
public record MovieHeaderBox(long timescale, long duration, long nextTrackId) implements Box {
    @Override
    public long size() {
        return FULL_HEADER_SIZE
                + FullBoxFields.timesAndDurationSize(FullBoxFields.timeVersion(duration))
                + 4
                + 4
                + 2
                + 10
                + FullBoxFields.MATRIX_SIZE
                + 24
                + 4;
    }

    @Override
    public void write(BoxWriter w) {
        int version = FullBoxFields.timeVersion(duration);
        int mvhd = w.beginFull("mvhd", version, 0);
        FullBoxFields.times(w, version);
        w.u32(timescale);
        FullBoxFields.duration(w, version, duration);
        w.u32(0x0001_0000); // rate 1.0
        w.u16(0x0100); // volume 1.0
        w.zeros(2 + 8); // reserved
        FullBoxFields.unityMatrix(w);
        w.zeros(24); // pre_defined
        w.u32(nextTrackId);
        w.end(mvhd);
    }
}
