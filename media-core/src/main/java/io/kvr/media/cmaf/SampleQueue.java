package io.kvr.media.cmaf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects the access units of one track until the caller cuts a fragment, then turns them into {@link Sample}s
 * whose durations are the differences of consecutive decode times. Only the last sample's duration needs outside
 * knowledge: the decode time the fragment ends at (usually the next fragment's first decode time), or an explicit
 * duration. Decode times are kept in primitive arrays: no boxing per sample. Mutable and not thread-safe.
 */
public final class SampleQueue {

    private long[] decodeTimes = new long[64];
    private int[] compositionOffsets = new int[64];
    private boolean[] syncs = new boolean[64];
    private byte[][] payloads = new byte[64][];
    private int size;

    /**
     * Appends an access unit.
     *
     * @throws IllegalArgumentException if {@code decodeTime} is negative or not after the previous one
     */
    public void add(long decodeTime, int compositionOffset, boolean sync, byte[] payload) {
        if (decodeTime < 0 || (size > 0 && decodeTime <= decodeTimes[size - 1])) {
            throw new IllegalArgumentException(
                    "decode time " + decodeTime + " after " + (size > 0 ? decodeTimes[size - 1] : "nothing"));
        }
        if (size == decodeTimes.length) {
            int capacity = size * 2;
            decodeTimes = Arrays.copyOf(decodeTimes, capacity);
            compositionOffsets = Arrays.copyOf(compositionOffsets, capacity);
            syncs = Arrays.copyOf(syncs, capacity);
            payloads = Arrays.copyOf(payloads, capacity);
        }
        decodeTimes[size] = decodeTime;
        compositionOffsets[size] = compositionOffset;
        syncs[size] = sync;
        payloads[size] = java.util.Objects.requireNonNull(payload, "payload");
        size++;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Decode time of the i-th queued sample. */
    public long decodeTime(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i + " of " + size);
        }
        return decodeTimes[i];
    }

    /**
     * Removes and returns every queued sample; the last one lasts until {@code endDecodeTime}.
     *
     * @throws IllegalArgumentException if the queue is not empty and {@code endDecodeTime} is not after the last
     *     decode time
     */
    public List<Sample> drain(long endDecodeTime) {
        return drainFirst(size, endDecodeTime);
    }

    /** Removes and returns every queued sample, giving the last one {@code lastDuration}. */
    public List<Sample> drainWithLastDuration(int lastDuration) {
        if (size == 0) {
            return List.of();
        }
        if (lastDuration < 0) {
            throw new IllegalArgumentException("last duration " + lastDuration);
        }
        return drainFirst(size, decodeTimes[size - 1] + lastDuration);
    }

    /**
     * Removes and returns the samples decoded before {@code cutDecodeTime}, e.g. the audio belonging to a video
     * fragment that ends there. The last one lasts until the first sample left in the queue, or until
     * {@code cutDecodeTime} if none is left.
     */
    public List<Sample> drainBefore(long cutDecodeTime) {
        int count = 0;
        while (count < size && decodeTimes[count] < cutDecodeTime) {
            count++;
        }
        return drainFirst(count, count < size ? decodeTimes[count] : cutDecodeTime);
    }

    /**
     * Durations between consecutive decode times: {@code decodeTimes[i + 1] - decodeTimes[i]}, the last being
     * {@code endDecodeTime - decodeTimes[count - 1]}.
     *
     * @throws IllegalArgumentException if a duration would be 0 or less, or exceed 2^31 - 1
     */
    public static int[] durations(long[] decodeTimes, int count, long endDecodeTime) {
        int[] durations = new int[count];
        for (int i = 0; i < count; i++) {
            long next = i + 1 < count ? decodeTimes[i + 1] : endDecodeTime;
            long duration = next - decodeTimes[i];
            if (duration <= 0 || duration > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "sample " + i + " decoded at " + decodeTimes[i] + " lasts until " + next);
            }
            durations[i] = (int) duration;
        }
        return durations;
    }

    private List<Sample> drainFirst(int count, long endDecodeTime) {
        if (count == 0) {
            return List.of();
        }
        int[] durations = durations(decodeTimes, count, endDecodeTime);
        List<Sample> samples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            samples.add(new Sample(decodeTimes[i], durations[i], compositionOffsets[i], syncs[i], payloads[i]));
        }
        int left = size - count;
        System.arraycopy(decodeTimes, count, decodeTimes, 0, left);
        System.arraycopy(compositionOffsets, count, compositionOffsets, 0, left);
        System.arraycopy(syncs, count, syncs, 0, left);
        System.arraycopy(payloads, count, payloads, 0, left);
        Arrays.fill(payloads, left, size, null);
        size = left;
        return samples;
    }
}
