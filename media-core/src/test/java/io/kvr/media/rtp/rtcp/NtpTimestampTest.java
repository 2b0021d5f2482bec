package io.kvr.media.rtp.rtcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class NtpTimestampTest {

    @Test
    void unixEpochIsSeventyYearsIntoTheNtpEra() {
        assertThat(NtpTimestamp.ofUnixMillis(0).bits()).isEqualTo(2_208_988_800L << 32);
        assertThat(new NtpTimestamp(2_208_988_800L << 32 | 0x8000_0000L).toUnixMillis())
                .isEqualTo(500);
    }

    @Test
    void readsWhatFfmpegSent() {
        assertThat(Instant.ofEpochMilli(new NtpTimestamp(0xeec1b284a6e978d4L).toUnixMillis()))
                .isEqualTo(Instant.parse("2026-12-07T22:32:36.652Z"));
    }

    @Test
    void secondsWrapInFebruary2036() {
        Instant wrap = Instant.parse("2036-02-07T06:28:16Z");

        assertThat(NtpTimestamp.ofUnixMillis(wrap.toEpochMilli()).bits()).isZero();
        assertThat(new NtpTimestamp(0).toUnixMillis()).isEqualTo(wrap.toEpochMilli());
        assertThat(new NtpTimestamp(0xffff_ffffL << 32).toUnixMillis()).isEqualTo(wrap.toEpochMilli() - 1000);
    }

    @Test
    void middleBitsAreTheCompactForm() {
        assertThat(new NtpTimestamp(0xeec1b29f52fc6972L).middle32()).isEqualTo(0xb29f52fcL);
    }

    /** From 1968 to 2104, the range the era rule reads. */
    @Property(tries = 1000)
    void unixMillisRoundTrip(@ForAll @LongRange(min = -61_505_152_000L, max = 4_233_462_143_999L) long unixMillis) {
        assertThat(NtpTimestamp.ofUnixMillis(unixMillis).toUnixMillis()).isEqualTo(unixMillis);
    }
}
