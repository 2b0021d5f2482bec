package io.kvr.media.codec;

import io.kvr.media.MalformedMediaException;
import io.kvr.media.codec.h264.AvcDecoderConfigurationRecord;
import io.kvr.media.codec.h264.H264Sps;
import io.kvr.media.codec.h265.H265Sps;
import io.kvr.media.codec.h265.HevcDecoderConfigurationRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Configuration of an H.264 or H.265 video track: its parameter sets (NAL units with header, no start code) and
 * the picture size they give. The byte arrays are shared, not copied; do not mutate them.
 *
 * @param codec H264 or H265
 * @param width cropped luma width from the first SPS
 * @param height cropped luma height from the first SPS
 * @param vps H.265 video parameter sets; empty for H.264
 * @param sps sequence parameter sets
 * @param pps picture parameter sets
 */
public record VideoFormat(VideoCodec codec, int width, int height, List<byte[]> vps, List<byte[]> sps, List<byte[]> pps)
        implements VisualFormat {

    public VideoFormat {
        Objects.requireNonNull(codec, "codec");
        vps = List.copyOf(vps);
        sps = List.copyOf(sps);
        pps = List.copyOf(pps);
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("size " + width + "x" + height);
        }
        if (sps.isEmpty() || pps.isEmpty() || (codec == VideoCodec.H265) == vps.isEmpty()) {
            throw new IllegalArgumentException(
                    codec + " with " + vps.size() + " VPS, " + sps.size() + " SPS, " + pps.size() + " PPS");
        }
    }

    /**
     * The format of these parameter sets; the size comes from parsing the first SPS.
     *
     * @throws MalformedMediaException if the SPS does not parse
     */
    public static VideoFormat of(VideoCodec codec, List<byte[]> vps, List<byte[]> sps, List<byte[]> pps) {
        if (sps.isEmpty()) {
            throw new IllegalArgumentException("no SPS");
        }
        byte[] first = sps.getFirst();
        return switch (codec) {
            case H264 -> {
                H264Sps parsed = H264Sps.parse(first);
                yield new VideoFormat(codec, parsed.width(), parsed.height(), vps, sps, pps);
            }
            case H265 -> {
                H265Sps parsed = H265Sps.parse(first);
                yield new VideoFormat(codec, parsed.width(), parsed.height(), vps, sps, pps);
            }
        };
    }

    /**
     * The format described by out-of-band codec configuration: parameter sets in Annex B form, or an avcC / hvcC
     * record (ISO/IEC 14496-15 5.3.3.1 / 8.3.3.1), which starts with configurationVersion 1.
     *
     * @throws MalformedMediaException if the data is neither, or lacks a parameter set the codec needs
     */
    public static VideoFormat fromExtradata(VideoCodec codec, byte[] extradata) {
        if (extradata.length > 0 && extradata[0] == 1) {
            return switch (codec) {
                case H264 -> {
                    AvcDecoderConfigurationRecord avcC = AvcDecoderConfigurationRecord.parse(extradata);
                    yield of(codec, List.of(), avcC.sps(), avcC.pps());
                }
                case H265 -> {
                    HevcDecoderConfigurationRecord hvcC = HevcDecoderConfigurationRecord.parse(extradata);
                    yield of(codec, hvcC.vps(), hvcC.sps(), hvcC.pps());
                }
            };
        }
        if (!AnnexB.startsWithStartCode(extradata)) {
            throw new MalformedMediaException(
                    codec + " extradata is neither Annex B nor a decoder configuration record");
        }
        return fromAccessUnit(codec, extradata)
                .orElseThrow(() -> new MalformedMediaException(codec + " extradata lacks parameter sets"));
    }

    /**
     * The format carried in-band by an access unit (Annex B or length-prefixed), usually a keyframe; empty when the
     * unit lacks the SPS, the PPS or (H.265) the VPS. Repeated identical parameter sets are kept once.
     *
     * @throws MalformedMediaException if a parameter set is present but does not parse
     */
    public static Optional<VideoFormat> fromAccessUnit(VideoCodec codec, byte[] accessUnit) {
        List<byte[]> vps = new ArrayList<>(1);
        List<byte[]> sps = new ArrayList<>(1);
        List<byte[]> pps = new ArrayList<>(1);
        for (NalUnit nal : AnnexB.split(accessUnit)) {
            int type = nal.type(codec);
            if (type == codec.spsType()) {
                addDistinct(sps, nal);
            } else if (type == codec.ppsType()) {
                addDistinct(pps, nal);
            } else if (type == codec.vpsType()) {
                addDistinct(vps, nal);
            }
        }
        if (sps.isEmpty() || pps.isEmpty() || (codec == VideoCodec.H265 && vps.isEmpty())) {
            return Optional.empty();
        }
        return Optional.of(of(codec, vps, sps, pps));
    }

    /** {@code avc1.PPCCLL} (RFC 6381 3.3) or {@code hvc1.…} (ISO/IEC 14496-15 E.3), from the first SPS. */
    @Override
    public String codecsString() {
        return switch (codec) {
            case H264 -> H264Sps.parse(sps.getFirst()).codecsString();
            case H265 -> H265Sps.parse(sps.getFirst()).codecsString();
        };
    }

    /** The avcC or hvcC payload for this format, with 4-byte NAL unit lengths. */
    public byte[] decoderConfigurationRecord() {
        return switch (codec) {
            case H264 -> AvcDecoderConfigurationRecord.of(sps, pps).toBytes();
            case H265 -> HevcDecoderConfigurationRecord.of(vps, sps, pps).toBytes();
        };
    }

    private static void addDistinct(List<byte[]> into, NalUnit nal) {
        for (byte[] existing : into) {
            if (Arrays.equals(existing, 0, existing.length, nal.data(), nal.offset(), nal.offset() + nal.length())) {
                return;
            }
        }
        into.add(nal.toByteArray());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VideoFormat f
                && f.codec == codec
                && f.width == width
                && f.height == height
                && sameBytes(vps, f.vps)
                && sameBytes(sps, f.sps)
                && sameBytes(pps, f.pps);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(codec, width, height);
        for (List<byte[]> list : List.of(vps, sps, pps)) {
            for (byte[] b : list) {
                h = 31 * h + Arrays.hashCode(b);
            }
        }
        return h;
    }

    @Override
    public String toString() {
        return "VideoFormat[" + codec + " " + width + "x" + height + ", vps=" + vps.size() + ", sps=" + sps.size()
                + ", pps=" + pps.size() + "]";
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
