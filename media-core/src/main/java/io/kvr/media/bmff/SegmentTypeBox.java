package io.kvr.media.bmff;

import java.util.List;

/** SegmentTypeBox {@code styp} (ISO/IEC 14496-12 8.16.2): the brands of a media segment, laid out as {@code ftyp}. */
public record SegmentTypeBox(String majorBrand, long minorVersion, List<String> compatibleBrands) implements Box {
    public SegmentTypeBox {
        compatibleBrands = List.copyOf(compatibleBrands);
    }

    @Override
    public long size() {
        return FileTypeBox.brandsSize(compatibleBrands);
    }

    @Override
    public void write(BoxWriter w) {
        FileTypeBox.writeBrands(w, "styp", majorBrand, minorVersion, compatibleBrands);
    }
}
