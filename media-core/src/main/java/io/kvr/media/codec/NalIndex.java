package io.kvr.media.codec;

import io.kvr.media.MalformedMediaException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Positions of the NAL units of one or more access units, found in a single scan, so that they can be sized and
 * then copied once as 4-byte length-prefixed NAL units (ISO/IEC 14496-15 5.3.2 / 8.3.2) without a copy per NAL
 * unit. Access unit delimiters are always dropped; parameter sets are dropped when asked (an {@code hvc1} sample
 * entry with array_completeness = 1 forbids them in samples, 14496-15 8.4.1). Access units are referenced, not
 * copied, and must not change while indexed. Mutable and not thread-safe: one per writer call.
 */
public final class NalIndex {

    private final VideoCodec codec;
    private final boolean dropParameterSets;
    private byte[][] units = new byte[16][];
    private int[] unitFirstNal = new int[17];
    private int[] unitSize = new int[16];
    private int[] nalOffset = new int[64];
    private int[] nalLength = new int[64];
    private int unitCount;
    private int nalCount;
    private final byte[] prefix = new byte[4];

    /**
     * @param codec header syntax used to recognise delimiters and parameter sets
     * @param dropParameterSets also drop SPS, PPS and (H.265) VPS
     */
    public NalIndex(VideoCodec codec, boolean dropParameterSets) {
        this.codec = java.util.Objects.requireNonNull(codec, "codec");
        this.dropParameterSets = dropParameterSets;
    }

    private NalIndex() {
        this.codec = null;
        this.dropParameterSets = false;
    }

    /** An index that keeps every NAL unit, delimiters included. */
    static NalIndex keepingAll() {
        return new NalIndex();
    }

    /**
     * Indexes one access unit, Annex B or length-prefixed (see {@link AnnexB#isAnnexB(byte[])}).
     *
     * @return the unit's index in this NalIndex
     * @throws MalformedMediaException if the unit is neither, or a length prefix runs past its end
     */
    public int add(byte[] accessUnit) {
        if (unitCount == units.length) {
            units = Arrays.copyOf(units, unitCount * 2);
            unitSize = Arrays.copyOf(unitSize, unitCount * 2);
            unitFirstNal = Arrays.copyOf(unitFirstNal, unitCount * 2 + 1);
        }
        int unit = unitCount;
        units[unit] = accessUnit;
        unitFirstNal[unit] = nalCount;
        unitSize[unit] = 0;
        if (AnnexB.isAnnexB(accessUnit)) {
            scanAnnexB(unit, accessUnit);
        } else {
            scanLengthPrefixed(unit, accessUnit);
        }
        unitCount++;
        unitFirstNal[unitCount] = nalCount;
        return unit;
    }

    public int unitCount() {
        return unitCount;
    }

    /** NAL units kept for the unit. */
    public int nalUnitCount(int unit) {
        checkUnit(unit);
        return unitFirstNal[unit + 1] - unitFirstNal[unit];
    }

    /** A view of the i-th kept NAL unit of the unit. */
    public NalUnit nalUnit(int unit, int i) {
        int n = nal(unit, i);
        return new NalUnit(units[unit], nalOffset[n], nalLength[n]);
    }

    /** Bytes of the unit once written length-prefixed: the sum of 4 + NAL unit length. */
    public int lengthPrefixedSize(int unit) {
        checkUnit(unit);
        return unitSize[unit];
    }

    /**
     * Writes the unit as length-prefixed NAL units into {@code target} from {@code offset}.
     *
     * @return the number of bytes written, {@link #lengthPrefixedSize(int)}
     */
    public int writeLengthPrefixed(int unit, byte[] target, int offset) {
        checkUnit(unit);
        byte[] source = units[unit];
        int position = offset;
        for (int n = unitFirstNal[unit]; n < unitFirstNal[unit + 1]; n++) {
            int length = nalLength[n];
            target[position] = (byte) (length >>> 24);
            target[position + 1] = (byte) (length >>> 16);
            target[position + 2] = (byte) (length >>> 8);
            target[position + 3] = (byte) length;
            System.arraycopy(source, nalOffset[n], target, position + 4, length);
            position += 4 + length;
        }
        return position - offset;
    }

    /** Writes the unit as length-prefixed NAL units to {@code out}, straight from the indexed array. */
    public void writeLengthPrefixed(int unit, OutputStream out) throws IOException {
        checkUnit(unit);
        byte[] source = units[unit];
        for (int n = unitFirstNal[unit]; n < unitFirstNal[unit + 1]; n++) {
            int length = nalLength[n];
            prefix[0] = (byte) (length >>> 24);
            prefix[1] = (byte) (length >>> 16);
            prefix[2] = (byte) (length >>> 8);
            prefix[3] = (byte) length;
            out.write(prefix);
            out.write(source, nalOffset[n], length);
        }
    }

    /** Forgets every unit; the arrays are kept for reuse. */
    public void clear() {
        Arrays.fill(units, 0, unitCount, null);
        unitCount = 0;
        nalCount = 0;
    }

    private void scanAnnexB(int unit, byte[] data) {
        int end = data.length;
        int start = AnnexB.findStartCode(data, 0, end);
        while (start < end) {
            int nalStart = start + 3;
            int next = AnnexB.findStartCode(data, nalStart, end);
            int nalEnd = next;
            // trailing_zero_8bits and the zero_byte of a following 4-byte start code belong to no NAL unit (B.2)
            while (nalEnd > nalStart && data[nalEnd - 1] == 0) {
                nalEnd--;
            }
            if (nalEnd > nalStart) {
                keep(unit, data, nalStart, nalEnd - nalStart);
            }
            start = next;
        }
    }

    private void scanLengthPrefixed(int unit, byte[] data) {
        int position = 0;
        while (position < data.length) {
            if (position + 4 > data.length) {
                throw new MalformedMediaException("length prefix truncated at " + position + " of " + data.length);
            }
            long length = AnnexB.readLength(data, position);
            if (length > data.length - position - 4) {
                throw new MalformedMediaException("NAL unit length " + length + " at " + position
                        + " runs past the access unit (" + data.length + " bytes)");
            }
            if (length > 0) {
                keep(unit, data, position + 4, (int) length);
            }
            position += 4 + (int) length;
        }
    }

    private void keep(int unit, byte[] data, int offset, int length) {
        if (codec != null) {
            int type = codec.nalUnitType(data[offset]);
            if (codec.isAccessUnitDelimiter(type) || (dropParameterSets && codec.isParameterSet(type))) {
                return;
            }
        }
        if (nalCount == nalOffset.length) {
            nalOffset = Arrays.copyOf(nalOffset, nalCount * 2);
            nalLength = Arrays.copyOf(nalLength, nalCount * 2);
        }
        nalOffset[nalCount] = offset;
        nalLength[nalCount] = length;
        nalCount++;
        unitSize[unit] = Math.addExact(unitSize[unit], 4 + length);
    }

    private int nal(int unit, int i) {
        checkUnit(unit);
        int n = unitFirstNal[unit] + i;
        if (i < 0 || n >= unitFirstNal[unit + 1]) {
            throw new IndexOutOfBoundsException("NAL unit " + i + " of unit " + unit);
        }
        return n;
    }

    private void checkUnit(int unit) {
        if (unit < 0 || unit >= unitCount) {
            throw new IndexOutOfBoundsException("unit " + unit + " of " + unitCount);
        }
    }
}
