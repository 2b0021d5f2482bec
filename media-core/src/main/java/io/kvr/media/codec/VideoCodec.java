package io.kvr.media.codec;

/** Video codecs with NAL unit syntax: ITU-T H.264 (7.3.1, Table 7-1) and H.265 (7.3.1.2, Table 7-1). */
public enum VideoCodec {
    /** ITU-T H.264 / AVC: nal_unit_type is the low 5 bits of the one-byte header. */
    H264(9, 7, 8, -1),
    /** ITU-T H.265 / HEVC: nal_unit_type is bits 1..6 of the first of two header bytes. */
    H265(35, 33, 34, 32);

    private final int accessUnitDelimiter;
    private final int sps;
    private final int pps;
    private final int vps;

    VideoCodec(int accessUnitDelimiter, int sps, int pps, int vps) {
        this.accessUnitDelimiter = accessUnitDelimiter;
        this.sps = sps;
        this.pps = pps;
        this.vps = vps;
    }

    /** nal_unit_type from the first byte of the NAL unit header. */
    public int nalUnitType(byte firstHeaderByte) {
        return this == H264 ? firstHeaderByte & 0x1f : (firstHeaderByte >> 1) & 0x3f;
    }

    /** Access unit delimiter: H.264 type 9, H.265 type 35 (AUD_NUT). */
    public boolean isAccessUnitDelimiter(int nalUnitType) {
        return nalUnitType == accessUnitDelimiter;
    }

    /** SPS/PPS, and VPS for H.265. */
    public boolean isParameterSet(int nalUnitType) {
        return nalUnitType == sps || nalUnitType == pps || (vps >= 0 && nalUnitType == vps);
    }

    public int spsType() {
        return sps;
    }

    public int ppsType() {
        return pps;
    }

    /** VPS_NUT (32) for H.265; -1 for H.264, which has none. */
    public int vpsType() {
        return vps;
    }

    /**
     * A VCL NAL unit, one that carries picture data (Table 7-1 of each): H.264 slices 1..5 and the slice extensions
     * 20 and 21; H.265 types 0..31.
     */
    public boolean isVcl(int nalUnitType) {
        return this == H264
                ? (nalUnitType >= 1 && nalUnitType <= 5) || nalUnitType == 20 || nalUnitType == 21
                : nalUnitType >= 0 && nalUnitType <= 31;
    }

    /**
     * Whether an access unit (Annex B or length-prefixed) carries picture data: at least one VCL NAL unit. A unit of
     * only delimiters, parameter sets or SEI has none and makes no sample.
     *
     * @throws io.kvr.media.MalformedMediaException if the unit is neither Annex B nor length-prefixed
     */
    public boolean hasPicture(byte[] accessUnit) {
        for (NalUnit nal : AnnexB.split(accessUnit)) {
            if (isVcl(nal.type(this))) {
                return true;
            }
        }
        return false;
    }

    /** A slice that starts a random access point: H.264 IDR (5); H.265 IRAP, BLA_W_LP..RSV_IRAP_VCL23 (16..23). */
    public boolean isRandomAccessSlice(int nalUnitType) {
        return this == H264 ? nalUnitType == 5 : nalUnitType >= 16 && nalUnitType <= 23;
    }
}
