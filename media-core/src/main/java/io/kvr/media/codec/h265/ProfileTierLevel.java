package io.kvr.media.codec.h265;

import io.kvr.media.bitstream.BitReader;

/**
 * The general part of profile_tier_level() (ITU-T H.265 7.3.3), as hvcC and the codecs string need it.
 *
 * @param profileSpace general_profile_space
 * @param tierFlag general_tier_flag (true: High tier)
 * @param profileIdc general_profile_idc
 * @param compatibilityFlags general_profile_compatibility_flag[0..31], flag[0] in the most significant bit
 * @param constraintIndicatorFlags the 48 bits from general_progressive_source_flag to general_inbld_flag
 * @param levelIdc general_level_idc
 */
public record ProfileTierLevel(
        int profileSpace,
        boolean tierFlag,
        int profileIdc,
        int compatibilityFlags,
        long constraintIndicatorFlags,
        int levelIdc) {

    /** Reads profile_tier_level(1, maxNumSubLayersMinus1) and keeps the general fields. */
    static ProfileTierLevel read(BitReader r, int maxNumSubLayersMinus1) {
        int profileSpace = r.bits(2);
        boolean tier = r.flag();
        int profileIdc = r.bits(5);
        int compatibility = r.bits(32);
        long constraints = r.longBits(48);
        int level = r.bits(8);
        boolean[] profilePresent = new boolean[maxNumSubLayersMinus1];
        boolean[] levelPresent = new boolean[maxNumSubLayersMinus1];
        for (int i = 0; i < maxNumSubLayersMinus1; i++) {
            profilePresent[i] = r.flag();
            levelPresent[i] = r.flag();
        }
        if (maxNumSubLayersMinus1 > 0) {
            r.skip(2L * (8 - maxNumSubLayersMinus1)); // reserved_zero_2bits
        }
        for (int i = 0; i < maxNumSubLayersMinus1; i++) {
            if (profilePresent[i]) {
                r.skip(88); // sub_layer_profile_space .. sub_layer_inbld_flag
            }
            if (levelPresent[i]) {
                r.skip(8); // sub_layer_level_idc
            }
        }
        return new ProfileTierLevel(profileSpace, tier, profileIdc, compatibility, constraints, level);
    }

    /**
     * The codecs string of ISO/IEC 14496-15 E.3 for sample entry {@code fourcc}: profile space letter and profile,
     * compatibility flags in reverse bit order as hex, tier letter and level, then the six constraint bytes in hex
     * with trailing zero bytes omitted, e.g. {@code hvc1.1.6.L93.B0}.
     */
    public String codecsString(String fourcc) {
        StringBuilder s = new StringBuilder(fourcc).append('.');
        if (profileSpace > 0) {
            s.append((char) ('A' + profileSpace - 1));
        }
        s.append(profileIdc).append('.');
        s.append(Integer.toHexString(Integer.reverse(compatibilityFlags)).toUpperCase(java.util.Locale.ROOT));
        s.append('.').append(tierFlag ? 'H' : 'L').append(levelIdc);
        int last = 5;
        while (last >= 0 && constraintByte(last) == 0) {
            last--;
        }
        for (int i = 0; i <= last; i++) {
            s.append('.').append(Integer.toHexString(constraintByte(i)).toUpperCase(java.util.Locale.ROOT));
        }
        return s.toString();
    }

    private int constraintByte(int i) {
        return (int) (constraintIndicatorFlags >>> (40 - 8 * i)) & 0xff;
    }
}
