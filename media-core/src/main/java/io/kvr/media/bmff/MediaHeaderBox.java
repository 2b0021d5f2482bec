package io.kvr.media.bmff;

/**
 * MediaHeaderBox {@code mdhd} (ISO/IEC 14496-12 8.4.2): the track's timescale and media duration, language
 * 'und', creation times 0; version 1 only when the duration needs 64 bits.
 *
 * @param timescale ticks per second of the track's media
 * @param duration sum of the sample durations; 0 in a fragmented file, whose samples are in its fragments
 */
public record MediaHeaderBox(long timescale, long duration) implements Box {
    /** ISO 639-2/T 'und' packed as three 5-bit letters. */
    private static final int LANGUAGE_UNDETERMINED = 0x55c4;

    @Override
    public long size() {
        return FULL_HEADER_SIZE + FullBoxFields.timesAndDurationSize(FullBoxFields.timeVersion(duration)) + 4 + 4;
    }

    @Override
    public void write(BoxWriter w) {
        int version = FullBoxFields.timeVersion(duration);
        int mdhd = w.beginFull("mdhd", version, 0);
        FullBoxFields.times(w, version);
        w.u32(timescale);
        FullBoxFields.duration(w, version, duration);
        w.u16(LANGUAGE_UNDETERMINED);
        w.u16(0); // pre_defined
        w.end(mdhd);
    }
}
