package io.kvr.mediatopic;

import io.kvr.schemas.AccessUnit;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The chunk contract of the media topic (schemas/README.md): an access unit too large for one record is written
 * as {@code chunkCount} records of the same key, each a copy of the unit's fields with {@code chunkIndex}
 * 0…count-1 and a consecutive slice of the payload, written in index order. {@link AccessUnitAssembler} puts them
 * back together.
 */
public final class AccessUnitChunks {
    private AccessUnitChunks() {}

    /**
     * Splits {@code unit} into the fewest chunks whose payload slices hold at most {@code maxSliceBytes} each,
     * of near-equal size. The slices share the unit's payload bytes (no copy). A unit that fits is returned alone.
     */
    public static List<AccessUnit> split(AccessUnit unit, int maxSliceBytes) {
        if (maxSliceBytes < 1) {
            throw new IllegalArgumentException("chunk slices need at least 1 byte, not " + maxSliceBytes);
        }
        ByteBuffer payload = unit.getPayload().duplicate();
        int total = payload.remaining();
        if (total <= maxSliceBytes) {
            return List.of(unit);
        }
        int count = (int) ((total + (long) maxSliceBytes - 1) / maxSliceBytes);
        int base = total / count;
        int extra = total % count;
        List<AccessUnit> chunks = new ArrayList<>(count);
        int position = payload.position();
        for (int i = 0; i < count; i++) {
            int size = base + (i < extra ? 1 : 0);
            ByteBuffer slice = payload.duplicate();
            slice.position(position).limit(position + size);
            chunks.add(withPayload(unit, slice.slice(), i, count));
            position += size;
        }
        return chunks;
    }

    /** A shallow copy of {@code unit} (fields shared, not copied) with another payload and chunk position. */
    public static AccessUnit withPayload(AccessUnit unit, ByteBuffer payload, int index, int count) {
        AccessUnit copy = new AccessUnit();
        int fields = AccessUnit.getClassSchema().getFields().size();
        for (int i = 0; i < fields; i++) {
            copy.put(i, unit.get(i));
        }
        copy.setPayload(payload);
        copy.setChunkIndex(index);
        copy.setChunkCount(count);
        return copy;
    }
}
