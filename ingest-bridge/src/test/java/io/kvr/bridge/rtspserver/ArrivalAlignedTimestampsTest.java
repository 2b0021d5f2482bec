package io.kvr.bridge.rtspserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A pushed stream's tracks share one timeline, whatever random values their RTP timestamps start at. */
class ArrivalAlignedTimestampsTest {
    private static final long START_MS = 1_765_000_000_000L;

    @Test
    void tracksThatArriveTogetherGetTheSameTimeWhateverTheirRandomStart() {
        // as a publisher sends them (RFC 3550 5.1): video at 90 kHz and audio at 44.1 kHz, each from a random value
        ArrivalAlignedTimestamps video = new ArrivalAlignedTimestamps(90_000, START_MS);
        ArrivalAlignedTimestamps audio = new ArrivalAlignedTimestamps(44_100, START_MS);
        long videoStart = 3_123_456_789L;
        long audioStart = 17_000L;
        long v0 = video.pts(videoStart, START_MS + 200);
        long a0 = audio.pts(audioStart, START_MS + 200);
        assertThat(v0 * 1000 / 90_000).isEqualTo(200);
        assertThat(a0 * 1000 / 44_100).isEqualTo(200);
        // one second of media later on both: still together, whenever the packets arrive
        long v1 = video.pts(videoStart + 90_000, START_MS + 1_350);
        long a1 = audio.pts(audioStart + 44_100, START_MS + 1_190);
        assertThat(v1 * 1000 / 90_000).isEqualTo(1_200);
        assertThat(a1 * 1000 / 44_100).isEqualTo(1_200);
    }

    @Test
    void aTrackThatStartsLaterIsPlacedAtItsArrival() {
        ArrivalAlignedTimestamps audio = new ArrivalAlignedTimestamps(48_000, START_MS);
        assertThat(audio.pts(4_000_000_000L, START_MS + 2_500)).isEqualTo(2_500 * 48);
        assertThat(audio.pts(4_000_000_960L, START_MS + 2_500)).isEqualTo(2_500 * 48 + 960);
    }

    @Test
    void timestampsKeepTheirSpacingAcrossTheWrap() {
        ArrivalAlignedTimestamps video = new ArrivalAlignedTimestamps(90_000, START_MS);
        long first = 0xffff_ffffL - 45_000;
        long p0 = video.pts(first, START_MS);
        assertThat(p0).isZero();
        assertThat(video.pts(44_999, START_MS + 1_000)).isEqualTo(90_000);
        // a B-frame just before the first one may go below 0: the connection's headroom takes it
        assertThat(video.pts(first - 3_600, START_MS + 1_000)).isEqualTo(-3_600);
    }

    @Test
    void aNewSsrcContinuesAtItsArrival() {
        ArrivalAlignedTimestamps video = new ArrivalAlignedTimestamps(90_000, START_MS);
        video.pts(1_000, START_MS);
        video.pts(1_000 + 90_000, START_MS + 1_000);
        video.restart();
        assertThat(video.pts(2_999_999_999L, START_MS + 1_040)).isEqualTo(1_040 * 90);
    }

    @Test
    void anArrivalBeforeTheStartCountsAsTheStart() {
        ArrivalAlignedTimestamps video = new ArrivalAlignedTimestamps(90_000, START_MS);
        assertThat(video.pts(5, START_MS - 20)).isZero();
    }

    @Test
    void refusesAClockRateOfZero() {
        assertThatThrownBy(() -> new ArrivalAlignedTimestamps(0, START_MS))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
