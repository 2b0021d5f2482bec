package io.kvr.media.mp4;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SampleTableTest {

    @Test
    void durationsAreKeptAsRunsAndReadBackPerSample() {
        SampleTable t = new SampleTable();
        t.startChunk(0);
        long dts = 0;
        int[] durations = {3600, 3600, 3600, 1, 3599, 3600, 3600, 7200, 3600};
        for (int d : durations) {
            t.add(dts, 3600, 100, 0, false);
            dts += d;
        }

        // the last sample keeps the duration it was given (3600); the others the decode time deltas
        int[] expected = {3600, 3600, 3600, 1, 3599, 3600, 3600, 7200, 3600};
        for (int i = 0; i < expected.length; i++) {
            assertThat(t.duration(i)).as("sample %d", i).isEqualTo(expected[i]);
        }
        assertThat(t.duration(3)).as("read out of order").isEqualTo(1);
        assertThat(t.durationRunCount()).isEqualTo(6);
        int samples = 0;
        for (int r = 0; r < t.durationRunCount(); r++) {
            samples += t.durationRunLength(r);
        }
        assertThat(samples).isEqualTo(expected.length);
        assertThat(t.durationRunLength(3)).isEqualTo(2);
        assertThat(t.durationRunLength(5)).as("the last sample, after a 7200").isEqualTo(1);
        assertThat(t.mediaDuration()).isEqualTo(dts - 3600 + 3600);
    }

    @Test
    void aDayOfConstantFrameRateIsOneRunAndNoCompositionOffsets() {
        SampleTable t = new SampleTable();
        t.startChunk(0);
        int n = 25 * 86_400;
        for (int i = 0; i < n; i++) {
            t.add(3600L * i, 3600, 1000, 0, i % 25 == 0);
        }

        assertThat(t.sampleCount()).isEqualTo(n);
        assertThat(t.durationRunCount()).isEqualTo(1);
        assertThat(t.durationRunLength(0)).isEqualTo(n);
        assertThat(t.anyCompositionOffset()).isFalse();
        assertThat(t.syncCount()).isEqualTo(86_400);
    }

    @Test
    void compositionOffsetsAppearWhenTheFirstNonZeroOneDoes() {
        SampleTable t = new SampleTable();
        t.startChunk(0);
        t.add(0, 3600, 10, 0, true);
        t.add(3600, 3600, 10, 7200, false);
        t.add(7200, 3600, 10, 0, false);

        assertThat(t.anyCompositionOffset()).isTrue();
        assertThat(t.compositionOffset(0)).isZero();
        assertThat(t.compositionOffset(1)).isEqualTo(7200);
        assertThat(t.compositionOffset(2)).isZero();
    }
}
