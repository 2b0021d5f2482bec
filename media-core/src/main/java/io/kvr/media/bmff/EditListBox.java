package io.kvr.media.bmff;

import java.util.List;

/**
 * EditListBox {@code elst} (ISO/IEC 14496-12 8.6.6): which spans of a track's media the movie timeline shows.
 * Version 1 only when a value needs 64 bits; media_rate is always 1.0.
 */
public record EditListBox(List<Entry> entries) implements Box {
    /**
     * One edit.
     *
     * @param segmentDuration in the movie timescale
     * @param mediaTime where the edit starts in the media, in the track's timescale; {@link #EMPTY} for an empty
     *     edit (nothing shown for its duration)
     */
    public record Entry(long segmentDuration, long mediaTime) {
        public static final long EMPTY = -1;
    }

    public EditListBox {
        entries = List.copyOf(entries);
    }

    @Override
    public long size() {
        return FULL_HEADER_SIZE + 4 + (long) entries.size() * (version() == 1 ? 20 : 12);
    }

    @Override
    public void write(BoxWriter w) {
        int version = version();
        int elst = w.beginFull("elst", version, 0);
        w.u32(entries.size());
        for (Entry e : entries) {
            if (version == 1) {
                w.u64(e.segmentDuration());
                w.u64(e.mediaTime());
            } else {
                w.u32(e.segmentDuration());
                w.u32(e.mediaTime() & FullBoxFields.U32_MAX); // signed: -1 is an empty edit
            }
            w.u32(0x0001_0000); // media_rate_integer 1, media_rate_fraction 0
        }
        w.end(elst);
    }

    private int version() {
        for (Entry e : entries) {
            if (e.segmentDuration() > FullBoxFields.U32_MAX
                    || e.mediaTime() > Integer.MAX_VALUE
                    || e.mediaTime() < Integer.MIN_VALUE) {
                return 1;
            }
        }
        return 0;
    }
}
