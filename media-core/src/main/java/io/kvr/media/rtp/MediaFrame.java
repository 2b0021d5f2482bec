package io.kvr.media.rtp;

/**
 * One access unit reassembled from RTP, or to be sent as RTP.
 *
 * <p>Payload forms: H.264 and H.265, the access unit's NAL units in Annex B form (each after a 4-byte start code
 * {@code 00 00 00 01}), as FFmpeg hands them out, so nothing downstream changes; MPEG-4 Part 2, the elementary
 * stream bytes (VOPs, with the VOS/VOL header where the sender put one); AAC, one raw access unit (no ADTS, no
 * LATM); G.711, the 8-bit samples; Opus, one Opus packet (RFC 6716).
 *
 * @param timestamp RTP timestamp of the unit, 0..2^32-1, in the payload format's clock rate (for one of several
 *     AAC units in a packet, the packet's timestamp plus the preceding units' durations, modulo 2^32)
 * @param keyframe a unit a decoder can start from (H.264 IDR, H.265 IRAP, MPEG-4 I-VOP; every audio unit)
 * @param data the unit's bytes, owned by the frame
 */
public record MediaFrame(long timestamp, boolean keyframe, byte[] data) {

    public MediaFrame {
        if (timestamp < 0 || timestamp > 0xffff_ffffL) {
            throw new IllegalArgumentException("timestamp " + timestamp);
        }
    }
}
