package io.kvr.media.rtp.video;

import io.kvr.media.codec.VideoCodec;
import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the NAL unit payload structures of H.264 (RFC 6184 5.6 single NAL unit, 5.7.1 STAP-A, 5.8 FU-A) and H.265
 * (RFC 7798 4.4.1 single NAL unit, 4.4.2 AP, 4.4.3 FU, all without DONL) into Annex B NAL units. The two differ in
 * the header sizes and type numbers only.
 */
final class NalUnitSyntax implements UnitSyntax {

    private static final int H264_STAP_A = 24;
    private static final int H264_STAP_B = 25;
    private static final int H264_MTAP16 = 26;
    private static final int H264_MTAP24 = 27;
    private static final int H264_FU_A = 28;
    private static final int H264_FU_B = 29;
    private static final int H265_AP = 48;
    private static final int H265_FU = 49;
    private static final int H265_PACI = 50;

    private static final int START = 0x80;
    private static final int END = 0x40;

    private static final int VPS = 1;
    private static final int SPS = 2;
    private static final int PPS = 4;

    private final VideoCodec codec;
    private final int headerLength;
    private final List<byte[]> parameterSets;
    private final int[] parameterSetKinds;

    private boolean fragmenting;
    private int fragmentType;
    private boolean randomAccess;
    private int kindsInBand;
    private int nalUnits;
    private boolean firstIsDelimiter;
    private int secondNalStart;

    /**
     * @param parameterSets out-of-band VPS, SPS and PPS NAL units, header included, no start code
     * @throws IllegalArgumentException if one is not a parameter set
     */
    NalUnitSyntax(VideoCodec codec, List<byte[]> parameterSets) {
        this.codec = codec;
        this.headerLength = codec == VideoCodec.H264 ? 1 : 2;
        this.parameterSets = new ArrayList<>(parameterSets.size());
        this.parameterSetKinds = new int[parameterSets.size()];
        for (byte[] set : parameterSets) {
            int kind = set.length < headerLength ? 0 : kind(codec.nalUnitType(set[0]));
            if (kind == 0) {
                throw new IllegalArgumentException("not a " + codec + " parameter set: " + set.length + " bytes");
            }
            parameterSetKinds[this.parameterSets.size()] = kind;
            this.parameterSets.add(set.clone());
        }
    }

    @Override
    public void read(RtpPacket packet, UnitBuffer unit) throws RtpFormatException {
        byte[] b = packet.buffer();
        int p = packet.payloadOffset();
        int length = packet.payloadLength();
        if (length < headerLength) {
            throw new RtpFormatException(codec + " RTP payload of " + length + " bytes, shorter than its header");
        }
        int type = codec.nalUnitType(b[p]);
        if (codec == VideoCodec.H264) {
            switch (type) {
                case H264_STAP_A -> aggregate(b, p + 1, length - 1, unit);
                case H264_FU_A -> fragment(b, p, length, unit);
                case H264_STAP_B, H264_MTAP16, H264_MTAP24, H264_FU_B ->
                    throw new RtpFormatException("H.264 packet type " + type + " of the interleaved mode");
                case 0, 30, 31 -> {
                    // reserved: ignored by receivers (RFC 6184 5.4, Table 3)
                }
                default -> single(b, p, length, unit);
            }
        } else {
            switch (type) {
                case H265_AP -> aggregate(b, p + 2, length - 2, unit);
                case H265_FU -> fragment(b, p, length, unit);
                case H265_PACI -> throw new RtpFormatException("H.265 PACI packets are not supported");
                default -> {
                    if (type < H265_AP) {
                        single(b, p, length, unit);
                    }
                    // 51..63 are unspecified: ignored (RFC 7798 4.4)
                }
            }
        }
    }

    private void single(byte[] b, int offset, int length, UnitBuffer unit) throws RtpFormatException {
        checkNotFragmenting();
        beginNal(b, offset, unit);
        unit.append(b, offset, length);
    }

    /** STAP-A (RFC 6184 5.7.1) and AP (RFC 7798 4.4.2): NAL units each after a 16-bit size. */
    private void aggregate(byte[] b, int offset, int length, UnitBuffer unit) throws RtpFormatException {
        checkNotFragmenting();
        int position = offset;
        int end = offset + length;
        if (position == end) {
            throw new RtpFormatException(codec + " aggregation packet without NAL units");
        }
        while (position < end) {
            if (end - position < 2) {
                throw new RtpFormatException(codec + " aggregation packet ends inside a NAL unit size");
            }
            int size = (b[position] & 0xff) << 8 | (b[position + 1] & 0xff);
            position += 2;
            if (size < headerLength || size > end - position) {
                throw new RtpFormatException(
                        codec + " aggregated NAL unit of " + size + " bytes, " + (end - position) + " left");
            }
            beginNal(b, position, unit);
            unit.append(b, position, size);
            position += size;
        }
    }

    /** FU-A (RFC 6184 5.8) and FU (RFC 7798 4.4.3): the NAL unit header is rebuilt from the FU's headers. */
    private void fragment(byte[] b, int p, int length, UnitBuffer unit) throws RtpFormatException {
        int fuHeaderOffset = p + headerLength;
        if (length < headerLength + 1) {
            throw new RtpFormatException(codec + " FU of " + length + " bytes, shorter than its headers");
        }
        int fuHeader = b[fuHeaderOffset] & 0xff;
        int nalType;
        int header0;
        if (codec == VideoCodec.H264) {
            nalType = fuHeader & 0x1f;
            if (nalType == 0 || nalType >= H264_STAP_A) {
                throw new RtpFormatException("H.264 FU-A of NAL unit type " + nalType);
            }
            header0 = (b[p] & 0xe0) | nalType;
        } else {
            nalType = fuHeader & 0x3f;
            if (nalType >= H265_AP) {
                throw new RtpFormatException("H.265 FU of NAL unit type " + nalType);
            }
            header0 = (b[p] & 0x81) | nalType << 1;
        }
        int data = fuHeaderOffset + 1;
        int dataLength = length - headerLength - 1;
        if ((fuHeader & START) != 0) {
            checkNotFragmenting();
            unit.appendStartCode();
            noteNal(nalType, unit.size() - 4);
            unit.append(header0);
            if (codec == VideoCodec.H265) {
                checkTemporalId(b[p + 1]);
                unit.append(b[p + 1] & 0xff);
            }
            // Start and End set together is forbidden (RFC 6184 5.8) but harmless: a whole NAL unit in one FU.
            fragmenting = (fuHeader & END) == 0;
            fragmentType = nalType;
        } else {
            if (!fragmenting) {
                throw new RtpFormatException(codec + " FU continues a NAL unit whose start was not received");
            }
            if (nalType != fragmentType) {
                throw new RtpFormatException(codec + " FU of type " + nalType + " continues one of " + fragmentType);
            }
            fragmenting = (fuHeader & END) == 0;
        }
        unit.append(b, data, dataLength);
    }

    private void checkNotFragmenting() throws RtpFormatException {
        if (fragmenting) {
            throw new RtpFormatException(codec + " NAL unit while a fragmented one has not ended");
        }
    }

    private void beginNal(byte[] b, int offset, UnitBuffer unit) throws RtpFormatException {
        if (codec == VideoCodec.H265) {
            checkTemporalId(b[offset + 1]);
        }
        unit.appendStartCode();
        noteNal(codec.nalUnitType(b[offset]), unit.size() - 4);
    }

    /** nuh_temporal_id_plus1 must not be 0 (H.265 7.4.2.2; RFC 7798 1.1.4). */
    private void checkTemporalId(byte secondHeaderByte) throws RtpFormatException {
        if ((secondHeaderByte & 0x07) == 0) {
            throw new RtpFormatException("H.265 NAL unit header with TID 0");
        }
    }

    private void noteNal(int type, int startCodeOffset) {
        if (codec.isRandomAccessSlice(type)) {
            randomAccess = true;
        }
        kindsInBand |= kind(type);
        if (nalUnits == 0) {
            firstIsDelimiter = codec.isAccessUnitDelimiter(type);
        } else if (nalUnits == 1) {
            secondNalStart = startCodeOffset;
        }
        nalUnits++;
    }

    private int kind(int type) {
        if (type == codec.vpsType()) {
            return VPS;
        }
        if (type == codec.spsType()) {
            return SPS;
        }
        return type == codec.ppsType() ? PPS : 0;
    }

    @Override
    public boolean endsInsideFragment() {
        return fragmenting;
    }

    @Override
    public boolean isKeyframe(UnitBuffer unit) {
        return randomAccess;
    }

    /**
     * The unit; the first one handed out also gets the out-of-band parameter sets of the kinds it lacks, after its
     * access unit delimiter if it starts with one (H.264 7.4.1.2.3, H.265 7.4.2.4.4), so that it decodes alone.
     */
    @Override
    public byte[] frame(UnitBuffer unit, boolean first) {
        int size = unit.size();
        int extra = 0;
        if (first && randomAccess) {
            for (int i = 0; i < parameterSets.size(); i++) {
                if ((kindsInBand & parameterSetKinds[i]) == 0) {
                    extra += 4 + parameterSets.get(i).length;
                }
            }
        }
        byte[] out = new byte[size + extra];
        if (extra == 0) {
            System.arraycopy(unit.bytes(), 0, out, 0, size);
            return out;
        }
        int insertAt = firstIsDelimiter ? (nalUnits > 1 ? secondNalStart : size) : 0;
        System.arraycopy(unit.bytes(), 0, out, 0, insertAt);
        int position = insertAt;
        for (int i = 0; i < parameterSets.size(); i++) {
            if ((kindsInBand & parameterSetKinds[i]) == 0) {
                byte[] set = parameterSets.get(i);
                out[position + 3] = 1;
                System.arraycopy(set, 0, out, position + 4, set.length);
                position += 4 + set.length;
            }
        }
        System.arraycopy(unit.bytes(), insertAt, out, position, size - insertAt);
        return out;
    }

    @Override
    public void reset() {
        fragmenting = false;
        randomAccess = false;
        kindsInBand = 0;
        nalUnits = 0;
        firstIsDelimiter = false;
        secondNalStart = 0;
    }
}
