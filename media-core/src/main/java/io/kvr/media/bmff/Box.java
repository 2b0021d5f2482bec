package io.kvr.media.bmff;

/**
 * A box (ISO/IEC 14496-12 4.2) that knows its size before it is written, so a whole file's layout, and every
 * offset in it, is fixed before any byte is written.
 */
public interface Box {
    /** Size of a box header with a 32-bit size: size and type. */
    int HEADER_SIZE = 8;
    /** Size of a FullBox header (4.2): box header, version (8 bits) and flags (24 bits). */
    int FULL_HEADER_SIZE = 12;

    /** Bytes {@link #write} writes, header included. */
    long size();

    void write(BoxWriter w);

    /** This box alone, in an array of exactly its size. */
    default byte[] toByteArray() {
        BoxWriter w = new BoxWriter(new byte[Math.toIntExact(size())], 0);
        write(w);
        return w.array();
    }

    /** The sum of the sizes of {@code boxes}. */
    static long sizeOf(Iterable<? extends Box> boxes) {
        long size = 0;
        for (Box box : boxes) {
            size += box.size();
        }
        return size;
    }

    /** Writes {@code boxes} in order. */
    static void writeAll(BoxWriter w, Iterable<? extends Box> boxes) {
        for (Box box : boxes) {
            box.write(w);
        }
    }
}
