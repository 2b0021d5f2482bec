package io.kvr.media.codec.h265;

import io.kvr.media.MalformedMediaException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * HEVCDecoderConfigurationRecord, the payload of an {@code hvcC} box (ISO/IEC 14496-15 8.3.3.1). Only the
 * parameter set arrays are kept; the profile, tier, level, chroma format, bit depths and temporal layering are
 * derived from the first SPS when written. Other arrays (SEI) are ignored when parsing.
 *
 * @param lengthSizeMinusOne NAL unit length field size in samples, minus one
 * @param vps VPS NAL units
 * @param sps SPS NAL units
 * @param pps PPS NAL units
 */
public record HevcDecoderConfigurationRecord(
        int lengthSizeMinusOne, List<byte[]> vps, List<byte[]> sps, List<byte[]> pps) {

    private static final int VPS = 32;
    private static final int SPS = 33;
    private static final int PPS = 34;

    public HevcDecoderConfigurationRecord {
        if (lengthSizeMinusOne < 0 || lengthSizeMinusOne > 3 || lengthSizeMinusOne == 2) {
            throw new IllegalArgumentException("lengthSizeMinusOne " + lengthSizeMinusOne);
        }
        vps = List.copyOf(vps);
        sps = List.copyOf(sps);
        pps = List.copyOf(pps);
        if (vps.isEmpty() || sps.isEmpty() || pps.isEmpty()) {
            throw new IllegalArgumentException(vps.size() + " VPS, " + sps.size() + " SPS, " + pps.size() + " PPS");
        }
    }

    /** The record with 4-byte lengths, as kvr writes it. */
    public static HevcDecoderConfigurationRecord of(List<byte[]> vps, List<byte[]> sps, List<byte[]> pps) {
        return new HevcDecoderConfigurationRecord(3, vps, sps, pps);
    }

    /** Parses an hvcC payload (without the box header). */
    public static HevcDecoderConfigurationRecord parse(byte[] data) {
        try {
            if (data.length < 23 || data[0] != 1) {
                throw new MalformedMediaException("not an HEVCDecoderConfigurationRecord");
            }
            int lengthSizeMinusOne = data[21] & 0x3;
            int arrays = data[22] & 0xff;
            int position = 23;
            List<byte[]> vps = new ArrayList<>();
            List<byte[]> sps = new ArrayList<>();
            List<byte[]> pps = new ArrayList<>();
            for (int a = 0; a < arrays; a++) {
                int type = data[position] & 0x3f;
                int count = ((data[position + 1] & 0xff) << 8) | (data[position + 2] & 0xff);
                position += 3;
                for (int i = 0; i < count; i++) {
                    int length = ((data[position] & 0xff) << 8) | (data[position + 1] & 0xff);
                    position += 2;
                    if (position + length > data.length) {
                        throw new MalformedMediaException("NAL unit length " + length + " at " + position);
                    }
                    byte[] unit = Arrays.copyOfRange(data, position, position + length);
                    position += length;
                    switch (type) {
                        case VPS -> vps.add(unit);
                        case SPS -> sps.add(unit);
                        case PPS -> pps.add(unit);
                        default -> {}
                    }
                }
            }
            return new HevcDecoderConfigurationRecord(lengthSizeMinusOne, vps, sps, pps);
        } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
            throw new MalformedMediaException("malformed HEVCDecoderConfigurationRecord", e);
        }
    }

    /** Serialises the record (8.3.3.1.1) with VPS, SPS and PPS arrays, each with array_completeness = 1. */
    public byte[] toBytes() {
        H265Sps parsed = H265Sps.parse(sps.getFirst());
        ProfileTierLevel ptl = parsed.profileTierLevel();
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.write(1); // configurationVersion
        out.write((ptl.profileSpace() << 6) | (ptl.tierFlag() ? 0x20 : 0) | ptl.profileIdc());
        writeBits(out, ptl.compatibilityFlags() & 0xffffffffL, 4);
        writeBits(out, ptl.constraintIndicatorFlags(), 6);
        out.write(ptl.levelIdc());
        writeBits(out, 0xf000, 2); // reserved '1111', min_spatial_segmentation_idc 0 (unknown)
        out.write(0xfc); // reserved '111111', parallelismType 0 (unknown)
        out.write(0xfc | parsed.chromaFormatIdc());
        out.write(0xf8 | (parsed.bitDepthLuma() - 8));
        out.write(0xf8 | (parsed.bitDepthChroma() - 8));
        writeBits(out, 0, 2); // avgFrameRate 0 (unspecified)
        // constantFrameRate 0, numTemporalLayers, temporalIdNested, lengthSizeMinusOne
        out.write(((parsed.maxSubLayersMinus1() + 1) << 3)
                | (parsed.temporalIdNesting() ? 0x04 : 0)
                | lengthSizeMinusOne);
        out.write(3); // numOfArrays
        writeArray(out, VPS, vps);
        writeArray(out, SPS, sps);
        writeArray(out, PPS, pps);
        return out.toByteArray();
    }

    private static void writeArray(ByteArrayOutputStream out, int type, List<byte[]> units) {
        out.write(0x80 | type); // array_completeness 1, reserved 0, NAL_unit_type
        writeBits(out, units.size(), 2);
        for (byte[] unit : units) {
            if (unit.length > 0xffff) {
                throw new IllegalArgumentException("parameter set of " + unit.length + " bytes");
            }
            writeBits(out, unit.length, 2);
            out.write(unit, 0, unit.length);
        }
    }

    private static void writeBits(ByteArrayOutputStream out, long value, int bytes) {
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (value >>> (8 * i)) & 0xff);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HevcDecoderConfigurationRecord r
                && r.lengthSizeMinusOne == lengthSizeMinusOne
                && sameBytes(vps, r.vps)
                && sameBytes(sps, r.sps)
                && sameBytes(pps, r.pps);
    }

    @Override
    public int hashCode() {
        int h = lengthSizeMinusOne;
        for (List<byte[]> list : List.of(vps, sps, pps)) {
            for (byte[] b : list) {
                h = 31 * h + Arrays.hashCode(b);
            }
        }
        return h;
    }

    @Override
    public String toString() {
        return "HevcDecoderConfigurationRecord[lengthSizeMinusOne=" + lengthSizeMinusOne + ", vps=" + vps.size()
                + ", sps=" + sps.size() + ", pps=" + pps.size() + "]";
    }

    private static boolean sameBytes(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }
}
