package io.kvr.media.bmff;

/**
 * ChunkOffsetBox {@code stco}, or ChunkLargeOffsetBox {@code co64} when {@code large} (ISO/IEC 14496-12 8.7.5):
 * the file offset of each chunk, {@code base} plus the first {@code count} of {@code offsets} (read, not copied).
 */
public record ChunkOffsetBox(long[] offsets, int count, long base, boolean large) implements Box {
    /** No chunks (a fragmented track). */
    public static final ChunkOffsetBox EMPTY = new ChunkOffsetBox(new long[0], 0, 0, false);

    @Override
    public long size() {
        return FULL_HEADER_SIZE + 4 + (large ? 8L : 4L) * count;
    }

    @Override
    public void write(BoxWriter w) {
        int box = w.beginFull(large ? "co64" : "stco", 0, 0);
        w.u32(count);
        for (int i = 0; i < count; i++) {
            long offset = base + offsets[i];
            if (large) {
                w.u64(offset);
            } else if (offset > FullBoxFields.U32_MAX) {
                throw new IllegalArgumentException("chunk offset " + offset + " needs co64");
            } else {
                w.u32(offset);
            }
        }
        w.end(box);
    }
}
