package io.kvr.media.mp4;

import io.kvr.media.MalformedMediaException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A box found in a byte array: where it starts, where its body starts, where it ends (14496-12 4.2). */
record Box(String type, int start, int bodyStart, int end) {

    /** The boxes directly inside {@code [from, to)}. */
    static List<Box> all(byte[] data, int from, int to) {
        List<Box> boxes = new ArrayList<>();
        int p = from;
        while (p + 8 <= to) {
            long size = u32(data, p);
            String type = new String(data, p + 4, 4, StandardCharsets.ISO_8859_1);
            int header = 8;
            if (size == 1) {
                if (p + 16 > to) {
                    throw new MalformedMediaException("truncated box " + type);
                }
                size = (u32(data, p + 8) << 32) | u32(data, p + 12);
                header = 16;
            } else if (size == 0) {
                size = to - p;
            }
            if (size < header || p + size > to) {
                throw new MalformedMediaException("box " + type + " of size " + size + " overruns its parent");
            }
            // FullBoxes keep their version/flags in the body; callers skip them where they matter
            boxes.add(new Box(type, p, p + header, (int) (p + size)));
            p += (int) size;
        }
        return boxes;
    }

    static List<Box> children(byte[] data, int from, int to, String type) {
        return all(data, from, to).stream().filter(b -> b.type.equals(type)).toList();
    }

    static Optional<Box> child(byte[] data, int from, int to, String type) {
        return all(data, from, to).stream().filter(b -> b.type.equals(type)).findFirst();
    }

    static long u32(byte[] data, int p) {
        return ((data[p] & 0xffL) << 24)
                | ((data[p + 1] & 0xffL) << 16)
                | ((data[p + 2] & 0xffL) << 8)
                | (data[p + 3] & 0xffL);
    }
}
