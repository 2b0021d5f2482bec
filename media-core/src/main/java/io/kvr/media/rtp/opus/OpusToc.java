package io.kvr.media.rtp.opus;

/** The framing rules of an Opus packet that follow from its TOC byte (RFC 6716 3.1, 3.2, 3.4). */
final class OpusToc {

    /** Longest compressed frame (RFC 6716 3.2.1). */
    static final int MAX_FRAME_BYTES = 1275;

    /** Longest packet duration, in 2.5 ms steps: 120 ms (RFC 6716 3.2.5). */
    private static final int MAX_DURATION_STEPS = 48;

    /** SILK-only frame durations (configurations 0-11, by config mod 4): 10, 20, 40, 60 ms. */
    private static final int[] SILK_STEPS = {4, 8, 16, 24};

    private OpusToc() {}

    /**
     * Why {@code data[offset, offset + length)} is not an Opus packet (the requirements R1-R7 of RFC 6716 3.4 that
     * the TOC and frame count bytes decide), or null when it passes.
     */
    static String framingError(byte[] data, int offset, int length) {
        if (length < 1) {
            return "empty Opus packet (RFC 6716 3.4 R1)";
        }
        int toc = data[offset] & 0xff;
        int rest = length - 1;
        switch (toc & 3) {
            case 0 -> {
                if (rest > MAX_FRAME_BYTES) {
                    return "Opus frame of " + rest + " bytes (R2)";
                }
            }
            case 1 -> {
                if (rest % 2 != 0 || rest / 2 > MAX_FRAME_BYTES) {
                    return "two equal Opus frames in " + rest + " bytes (R3)";
                }
            }
            case 2 -> {
                if (rest < 1) {
                    return "Opus code 2 packet without a frame length (R4)";
                }
                int first = data[offset + 1] & 0xff;
                int lengthBytes = 1;
                if (first >= 252) {
                    if (rest < 2) {
                        return "Opus code 2 packet with a cut frame length (R4)";
                    }
                    first += 4 * (data[offset + 2] & 0xff);
                    lengthBytes = 2;
                }
                if (first > rest - lengthBytes || rest - lengthBytes - first > MAX_FRAME_BYTES) {
                    return "Opus code 2 first frame of " + first + " bytes in " + rest + " (R4)";
                }
            }
            default -> {
                if (rest < 1) {
                    return "Opus code 3 packet without a frame count (R6)";
                }
                int frames = data[offset + 1] & 0x3f;
                if (frames == 0 || frames * durationSteps(toc >> 3) > MAX_DURATION_STEPS) {
                    return "Opus code 3 packet of " + frames + " frames over 120 ms (R5)";
                }
            }
        }
        return null;
    }

    /** Frame duration of a TOC configuration number (RFC 6716 Table 2), in 2.5 ms steps. */
    static int durationSteps(int config) {
        if (config < 12) {
            return SILK_STEPS[config & 3];
        }
        if (config < 16) {
            return (config & 1) == 0 ? 4 : 8; // Hybrid: 10, 20 ms
        }
        return 1 << (config & 3); // CELT-only: 2.5, 5, 10, 20 ms
    }
}
