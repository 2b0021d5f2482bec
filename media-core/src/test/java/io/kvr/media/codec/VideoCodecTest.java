package io.kvr.media.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.media.MalformedMediaException;
import org.junit.jupiter.api.Test;

class VideoCodecTest {
    private static final byte[] START = {0, 0, 0, 1};

    private static byte[] annexB(int... headerBytes) {
        byte[] out = new byte[headerBytes.length * 6];
        for (int i = 0; i < headerBytes.length; i++) {
            System.arraycopy(START, 0, out, i * 6, 4);
            out[i * 6 + 4] = (byte) headerBytes[i];
            out[i * 6 + 5] = 0x10;
        }
        return out;
    }

    @Test
    void aH264UnitHasAPictureWhenItHoldsASlice() {
        assertThat(VideoCodec.H264.hasPicture(annexB(0x09, 0x67, 0x68, 0x65))).isTrue(); // AUD SPS PPS IDR
        assertThat(VideoCodec.H264.hasPicture(annexB(0x41))).isTrue(); // non-IDR slice
        assertThat(VideoCodec.H264.hasPicture(annexB(0x09, 0x67, 0x68))).isFalse(); // parameter sets only
        assertThat(VideoCodec.H264.hasPicture(annexB(0x06))).isFalse(); // SEI only
    }

    @Test
    void aH265UnitHasAPictureWhenItHoldsAVclNalUnit() {
        // two-byte headers: type in bits 1..6 of the first byte
        byte[] vpsSpsPps = {0, 0, 0, 1, 0x40, 1, 0x10, 0, 0, 0, 1, 0x42, 1, 0x10, 0, 0, 0, 1, 0x44, 1, 0x10};
        byte[] idr = {0, 0, 0, 1, 0x26, 1, 0x10};
        assertThat(VideoCodec.H265.hasPicture(vpsSpsPps)).isFalse();
        assertThat(VideoCodec.H265.hasPicture(idr)).isTrue();
    }

    @Test
    void lengthPrefixedUnitsAreReadToo() {
        assertThat(VideoCodec.H264.hasPicture(new byte[] {0, 0, 0, 2, 0x65, 0x10}))
                .isTrue();
        assertThat(VideoCodec.H264.hasPicture(new byte[] {0, 0, 0, 2, 0x67, 0x10}))
                .isFalse();
    }

    @Test
    void aUnitInNeitherFormIsMalformed() {
        assertThatThrownBy(() -> VideoCodec.H264.hasPicture(new byte[] {0, 0, 0, 9, 0x65}))
                .isInstanceOf(MalformedMediaException.class);
    }
}
