package io.kvr.launcher.demo;

/**
 * The demo camera's sound: a quiet 1 kHz beep for the first 100 ms of every UTC second.
 *
 * <p>The beep starts when the burned-in clock's seconds change (and the frame ticker shows its
 * red cell), so audio/video sync can be checked by eye and ear. Samples are a pure function of
 * their index, so the loop can produce any stretch of them after a late tick.
 */
final class BeepTone {

    static final int SAMPLE_RATE = 48_000;

    private static final int FREQUENCY = 1_000;
    /** -20 dBFS: audible, not loud. */
    private static final double AMPLITUDE = 0.1 * Short.MAX_VALUE;

    private static final long MICROS_PER_SECOND = 1_000_000;
    private static final long BEEP_MICROS = 100_000;
    /** Short fades so the beep does not click. */
    private static final long RAMP_MICROS = 5_000;

    private final long startEpochMicros;

    /** @param startEpochMillis the wall-clock time of sample 0 */
    BeepTone(long startEpochMillis) {
        this.startEpochMicros = startEpochMillis * 1_000;
    }

    /** Writes samples {@code firstSample .. firstSample + count - 1} (mono, S16) to {@code out[0..count)}. */
    void fill(short[] out, long firstSample, int count) {
        for (int i = 0; i < count; i++) {
            long sample = firstSample + i;
            long micros = startEpochMicros + sample * MICROS_PER_SECOND / SAMPLE_RATE;
            long intoSecond = Math.floorMod(micros, MICROS_PER_SECOND);
            if (intoSecond >= BEEP_MICROS) {
                out[i] = 0;
                continue;
            }
            double envelope = Math.min(1.0, Math.min(intoSecond, BEEP_MICROS - intoSecond) / (double) RAMP_MICROS);
            // 1 kHz divides 48 kHz, so the phase depends on the sample index modulo 48 only.
            double phase = 2 * Math.PI * (sample % (SAMPLE_RATE / FREQUENCY)) * FREQUENCY / SAMPLE_RATE;
            out[i] = (short) Math.round(AMPLITUDE * envelope * Math.sin(phase));
        }
    }
}
