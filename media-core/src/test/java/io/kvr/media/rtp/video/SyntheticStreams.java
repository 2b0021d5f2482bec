package io.kvr.media.rtp.video;

import io.kvr.media.codec.VideoCodec;
import io.kvr.media.rtp.MediaFrame;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Made-up access units for property tests: NAL units (or MPEG-4 VOPs) of chosen sizes, random bytes kept valid for
 * the byte stream (no start code emulation, no trailing zero byte). Every third unit, the first included, is a
 * keyframe, and only keyframes hold a random access slice or I-VOP.
 */
final class SyntheticStreams {

    private static final int[] H264_OTHER = {1, 6, 7, 8, 9, 12};
    private static final int[] H265_OTHER = {0, 1, 8, 9, 32, 33, 34, 35, 39};
    private static final int FRAME_DURATION = 3000;

    private SyntheticStreams() {}

    static List<MediaFrame> nalUnits(VideoCodec codec, List<List<Integer>> sizes, long seed) {
        Random random = new Random(seed);
        List<MediaFrame> units = new ArrayList<>(sizes.size());
        for (int u = 0; u < sizes.size(); u++) {
            boolean keyframe = u % 3 == 0;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            List<Integer> nalSizes = sizes.get(u);
            for (int n = 0; n < nalSizes.size(); n++) {
                int type = n == 0 ? slice(codec, keyframe) : other(codec, random);
                out.writeBytes(new byte[] {0, 0, 0, 1});
                out.writeBytes(nalUnit(codec, type, nalSizes.get(n), random));
            }
            units.add(new MediaFrame((long) u * FRAME_DURATION, keyframe, out.toByteArray()));
        }
        return units;
    }

    static List<MediaFrame> mpeg4(List<List<Integer>> sizes, long seed) {
        Random random = new Random(seed);
        List<MediaFrame> units = new ArrayList<>(sizes.size());
        for (int u = 0; u < sizes.size(); u++) {
            boolean keyframe = u % 3 == 0;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (keyframe && random.nextBoolean()) {
                out.writeBytes(new byte[] {0, 0, 1, (byte) 0xb0, 1, 0, 0, 1, 0, 0, 0, 1, 0x20, 0, (byte) 0xc4});
            }
            out.writeBytes(new byte[] {0, 0, 1, (byte) 0xb6, (byte) (keyframe ? 0x10 : 0x50)});
            int size = sizes.get(u).stream().mapToInt(Integer::intValue).sum();
            byte[] body = new byte[size];
            random.nextBytes(body);
            for (int i = 2; i < body.length; i++) {
                // no start code inside VOP data (ISO/IEC 14496-2 5.2.4)
                if (body[i - 2] == 0 && body[i - 1] == 0 && (body[i] & 0xff) <= 1) {
                    body[i] = 2;
                }
            }
            if (size > 0 && body[size - 1] == 0) {
                body[size - 1] = 2;
            }
            out.writeBytes(body);
            units.add(new MediaFrame((long) u * FRAME_DURATION, keyframe, out.toByteArray()));
        }
        return units;
    }

    private static int slice(VideoCodec codec, boolean keyframe) {
        if (codec == VideoCodec.H264) {
            return keyframe ? 5 : 1;
        }
        return keyframe ? 19 : 1;
    }

    private static int other(VideoCodec codec, Random random) {
        int[] types = codec == VideoCodec.H264 ? H264_OTHER : H265_OTHER;
        return types[random.nextInt(types.length)];
    }

    private static byte[] nalUnit(VideoCodec codec, int type, int size, Random random) {
        int headerLength = codec == VideoCodec.H264 ? 1 : 2;
        byte[] nal = new byte[Math.max(size, headerLength)];
        random.nextBytes(nal);
        if (codec == VideoCodec.H264) {
            nal[0] = (byte) ((nal[0] & 0x60) | type);
        } else {
            nal[0] = (byte) (type << 1);
            nal[1] = (byte) (1 + random.nextInt(7));
        }
        for (int i = headerLength; i < nal.length; i++) {
            // emulation prevention (H.264 7.4.1, H.265 7.4.2): 0x000000..0x000003 never occur
            if (i >= 2 && nal[i - 2] == 0 && nal[i - 1] == 0 && (nal[i] & 0xff) <= 3) {
                nal[i] = 3;
            }
        }
        if (nal[nal.length - 1] == 0) {
            nal[nal.length - 1] = (byte) 0x80;
        }
        return nal;
    }
}
