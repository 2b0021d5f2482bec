package io.kvr.media.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class TimestampUnwrapperTest {

    private final TimestampUnwrapper unwrapper = new TimestampUnwrapper();

    @Test
    void continuesForwardAcrossTheWrap() {
        assertThat(unwrapper.unwrap(0xffff_ffffL - 3000)).isEqualTo(0xffff_ffffL - 3000);
        assertThat(unwrapper.unwrap(0xffff_ffffL)).isEqualTo(0xffff_ffffL);
        assertThat(unwrapper.unwrap(2999)).isEqualTo(0x1_0000_0000L + 2999);
        assertThat(unwrapper.unwrap(0xffff_ffffL - 5))
                .as("a B-frame from before the wrap")
                .isEqualTo(0xffff_fffaL);
        assertThat(unwrapper.unwrap(6000)).isEqualTo(0x1_0000_0000L + 6000);
    }

    @Test
    void smallBackwardStepsAreNoWrap() {
        unwrapper.unwrap(900_000);
        assertThat(unwrapper.unwrap(900_000 + 9000)).isEqualTo(909_000);
        assertThat(unwrapper.unwrap(900_000 + 3000)).isEqualTo(903_000);
        assertThat(unwrapper.unwrap(900_000 + 6000)).isEqualTo(906_000);
    }

    @Test
    void aStepBackFromTheFirstGoesBelowIt() {
        unwrapper.unwrap(1000);

        assertThat(unwrapper.unwrap(0xffff_ffffL - 1999)).isEqualTo(-2000);
    }

    @Test
    void rejectsValuesThatAreNotRtpTimestamps() {
        assertThatThrownBy(() -> unwrapper.unwrap(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> unwrapper.unwrap(1L << 32)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Units of a long stream, in decode order with B-frames up to 2 s back: each maps to where it was. */
    @Property(tries = 300)
    void recoversTheTimelineFromItsLow32Bits(
            @ForAll @LongRange(max = 0xffff_ffffL) long start,
            @ForAll @Size(min = 1, max = 500) List<@IntRange(min = -180_000, max = 50_000_000) Integer> steps) {
        TimestampUnwrapper unwrapper = new TimestampUnwrapper();
        long highest = start;
        assertThat(unwrapper.unwrap(start)).isEqualTo(start);
        for (int step : steps) {
            // a backward step goes back from the highest so far, a forward one advances it
            long now = highest + step;
            highest = Math.max(highest, now);
            long unwrapped = unwrapper.unwrap(now & 0xffff_ffffL);
            if (unwrapped != now) {
                throw new AssertionError(unwrapped + " for " + now);
            }
        }
    }
}
