package io.kvr.media.bmff;

import java.util.List;

/** FileTypeBox {@code ftyp} (ISO/IEC 14496-12 4.3): the brands a file conforms to. */
public record FileTypeBox(String majorBrand, long minorVersion, List<String> compatibleBrands) implements Box {
    public FileTypeBox {
        compatibleBrands = List.copyOf(compatibleBrands);
    }

    @Override
    public long size() {
        return brandsSize(compatibleBrands);
    }

    @Override
    public void write(BoxWriter w) {
        writeBrands(w, "ftyp", majorBrand, minorVersion, compatibleBrands);
    }

    /** The layout {@code ftyp} shares with {@code styp} (8.16.2). */
    static long brandsSize(List<String> compatibleBrands) {
        return HEADER_SIZE + 8 + 4L * compatibleBrands.size();
    }

    static void writeBrands(BoxWriter w, String type, String majorBrand, long minorVersion, List<String> brands) {
        int box = w.begin(type);
        w.fourcc(majorBrand);
        w.u32(minorVersion);
        for (String brand : brands) {
            w.fourcc(brand);
        }
        w.end(box);
    }
}
