package io.kvr.media.codec.h264;

import io.kvr.media.MalformedMediaException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * AVCDecoderConfigurationRecord, the payload of an {@code avcC} box (ISO/IEC 14496-15 5.3.3.1). Only the parameter
 * sets are kept; profile, compatibility, level and the high-profile fields are derived from the first SPS when
 * written.
 *
 * @param lengthSizeMinusOne NAL unit length field size in samples, minus one
 * @param sps sequence parameter set NAL units
 * @param pps picture parameter set NAL units
 */
public record AvcDecoderConfigurationRecord(int lengthSizeMinusOne, List<byte[]> sps, List<byte[]> pps) {

    public AvcDecoderConfigurationRecord {
        if (lengthSizeMinusOne < 0 || lengthSizeMinusOne > 3 || lengthSizeMinusOne == 2) {
            throw new IllegalArgumentException("lengthSizeMinusOne " + lengthSizeMinusOne);
        }
        sps = List.copyOf(sps);
        pps = List.copyOf(pps);
        if (sps.isEmpty() || sps.size() > 31 || pps.isEmpty() || pps.size() > 255) {
            throw new IllegalArgumentException(sps.size() + " SPS and " + pps.size() + " PPS");
        }
    }

    /** Parses an avcC payload (without the box header). */
    public static AvcDecoderConfigurationRecord parse(byte[] data) {
        try {
            if (data.length < 7 || data[0] != 1) {
                throw new MalformedMediaException(
                        "not an AVCDecoderConfigurationRecord (version " + (data.length > 0 ? data[0] : -1) + ")");
            }
            int lengthSizeMinusOne = data[4] & 0x3;
            int position = 5;
            int spsCount = data[position++] & 0x1f;
            List<byte[]> sps = new ArrayList<>(spsCount);
            position = readUnits(data, position, spsCount, sps);
            int ppsCount = data[position++] & 0xff;
            List<byte[]> pps = new ArrayList<>(ppsCount);
            readUnits(data, position, ppsCount, pps);
            // the high-profile extension (chroma_format etc.) is redundant with the SPS and not needed here
            return new AvcDecoderConfigurationRecord(lengthSizeMinusOne, sps, pps);
        } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
            throw new MalformedMediaException("malformed AVCDecoderConfigurationRecord", e);
        }
    }

    /** The record with 4-byte lengths, as kvr writes it. */
    public static AvcDecoderConfigurationRecord of(List<byte[]> sps, List<byte[]> pps) {
        return new AvcDecoderConfigurationRecord(3, sps, pps);
    }

    /** Serialises the record (5.3.3.1.1), including the extension for profiles 100, 110, 122 and 144. */
    public byte[] toBytes() {
        byte[] first = sps.getFirst();
        H264Sps parsed = H264Sps.parse(first);
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.write(1); // configurationVersion
        out.write(parsed.profileIdc()); // AVCProfileIndication
        out.write(parsed.constraintFlags()); // profile_compatibility
        out.write(parsed.levelIdc()); // AVCLevelIndication
        out.write(0xfc | lengthSizeMinusOne);
        out.write(0xe0 | sps.size());
        writeUnits(out, sps);
        out.write(pps.size());
        writeUnits(out, pps);
        switch (parsed.profileIdc()) {
            case 100, 110, 122, 144 -> {
                out.write(0xfc | parsed.chromaFormatIdc());
                out.write(0xf8 | (parsed.bitDepthLuma() - 8));
                out.write(0xf8 | (parsed.bitDepthChroma() - 8));
                out.write(0); // numOfSequenceParameterSetExt
            }
            default -> {}
        }
        return out.toByteArray();
    }

    private static int readUnits(byte[] data, int position, int count, List<byte[]> into) {
        for (int i = 0; i < count; i++) {
            int length = ((data[position] & 0xff) << 8) | (data[position + 1] & 0xff);
            position += 2;
            if (length == 0 || position + length > data.length) {
                throw new MalformedMediaException("parameter set length " + length + " at " + position);
            }
            into.add(Arrays.copyOfRange(data, position, position + length));
            position += length;
        }
        return position;
    }

    private static void writeUnits(ByteArrayOutputStream out, List<byte[]> units) {
        for (byte[] unit : units) {
            if (unit.length > 0xffff) {
                throw new IllegalArgumentException("parameter set of " + unit.length + " bytes");
            }
            out.write(unit.length >>> 8);
            out.write(unit.length & 0xff);
            out.write(unit, 0, unit.length);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AvcDecoderConfigurationRecord r
                && r.lengthSizeMinusOne == lengthSizeMinusOne
                && sameBytes(sps, r.sps)
                && sameBytes(pps, r.pps);
    }

    @Override
    public int hashCode() {
        int h = lengthSizeMinusOne;
        for (byte[] b : sps) {
            h = 31 * h + Arrays.hashCode(b);
        }
        for (byte[] b : pps) {
            h = 31 * h + Arrays.hashCode(b);
        }
        return h;
    }

    @Override
    public String toString() {
        return "AvcDecoderConfigurationRecord[lengthSizeMinusOne=" + lengthSizeMinusOne + ", sps=" + sps.size()
                + ", pps=" + pps.size() + "]";
    }

    static boolean sameBytes(List<byte[]> a, List<byte[]> b) {
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
