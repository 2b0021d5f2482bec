package io.kvr.media.cmaf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SampleQueueTest {

    private static final byte[] PAYLOAD = {1, 2, 3};

    @Test
    void durationsAreDecodeTimeDifferencesAndTheLastEndsWhereTheCallerSays() {
        SampleQueue queue = new SampleQueue();
        queue.add(1000, 0, true, PAYLOAD);
        queue.add(4600, 7200, false, PAYLOAD);
        queue.add(8200, -3600, false, PAYLOAD);

        List<Sample> samples = queue.drain(11_900);

        assertThat(samples).extracting(Sample::decodeTime).containsExactly(1000L, 4600L, 8200L);
        assertThat(samples).extracting(Sample::duration).containsExactly(3600, 3600, 3700);
        assertThat(samples).extracting(Sample::compositionOffset).containsExactly(0, 7200, -3600);
        assertThat(samples).extracting(Sample::sync).containsExactly(true, false, false);
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void lastDurationMayBeGivenExplicitly() {
        SampleQueue queue = new SampleQueue();
        queue.add(0, 0, true, PAYLOAD);
        queue.add(1024, 0, true, PAYLOAD);

        assertThat(queue.drainWithLastDuration(1024))
                .extracting(Sample::duration)
                .containsExactly(1024, 1024);
        assertThat(queue.drainWithLastDuration(1024)).isEmpty();
    }

    @Test
    void drainBeforeKeepsLaterSamplesAndEndsAtTheFirstOneKept() {
        SampleQueue queue = new SampleQueue();
        for (int i = 0; i < 100; i++) {
            queue.add(i * 1024L, 0, true, PAYLOAD);
        }

        List<Sample> first = queue.drainBefore(44_100);

        assertThat(first).hasSize(44); // 43 * 1024 = 44032 < 44100
        assertThat(first.getLast().duration()).isEqualTo(1024);
        assertThat(queue.size()).isEqualTo(56);
        assertThat(queue.decodeTime(0)).isEqualTo(44 * 1024L);
        assertThat(queue.drainBefore(0)).isEmpty();
        List<Sample> rest = queue.drainBefore(200_000);
        assertThat(rest).hasSize(56);
        assertThat(rest.getLast().duration()).isEqualTo(200_000 - 99 * 1024);
    }

    @Test
    void drainBeforeWithNothingLeftEndsAtTheCut() {
        SampleQueue queue = new SampleQueue();
        queue.add(0, 0, true, PAYLOAD);

        assertThat(queue.drainBefore(900))
                .singleElement()
                .extracting(Sample::duration)
                .isEqualTo(900);
    }

    @Test
    void rejectsDecodeTimesThatDoNotIncrease() {
        SampleQueue queue = new SampleQueue();
        queue.add(10, 0, true, PAYLOAD);

        assertThatThrownBy(() -> queue.add(10, 0, true, PAYLOAD)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> queue.drain(10)).isInstanceOf(IllegalArgumentException.class);
        assertThat(queue.size()).as("a failed drain keeps the samples").isEqualTo(1);
    }

    @Test
    void computesDurationsOfPlainArrays() {
        assertThat(SampleQueue.durations(new long[] {0, 3000, 6003, 99}, 3, 9000))
                .containsExactly(3000, 3003, 2997);
    }
}
