package io.kvr.media.rtp.rtcp;

/**
 * A 64-bit NTP timestamp (RFC 3550 4, RFC 5905 6): seconds since 1900-01-01 UTC in the high 32 bits, the fraction
 * of a second in the low 32. The seconds wrap in February 2036; as RFC 4330 3 suggests, a value whose top bit is
 * clear is taken as after that wrap, so the range read is 1968 to 2104.
 *
 * @param bits the 64 bits, unsigned, as a {@code long}
 */
public record NtpTimestamp(long bits) {

    /** Seconds from 1900-01-01 to 1970-01-01. */
    private static final long UNIX_EPOCH_SECONDS = 2_208_988_800L;

    private static final long ERA = 1L << 32;

    /** The NTP timestamp of {@code unixMillis} milliseconds since 1970-01-01 UTC. */
    public static NtpTimestamp ofUnixMillis(long unixMillis) {
        long seconds = Math.floorDiv(unixMillis, 1000) + UNIX_EPOCH_SECONDS;
        long fraction = ((long) Math.floorMod(unixMillis, 1000) << 32) / 1000;
        return new NtpTimestamp((seconds & 0xffff_ffffL) << 32 | fraction);
    }

    /** Milliseconds since 1970-01-01 UTC, rounded to the nearest. */
    public long toUnixMillis() {
        return Math.floorDiv(toUnixMicros() + 500, 1000);
    }

    /** Microseconds since 1970-01-01 UTC, rounded to the nearest. */
    public long toUnixMicros() {
        long seconds = bits >>> 32;
        if (seconds < ERA / 2) {
            seconds += ERA;
        }
        long fraction = bits & 0xffff_ffffL;
        return (seconds - UNIX_EPOCH_SECONDS) * 1_000_000 + ((fraction * 1_000_000 + ERA / 2) >>> 32);
    }

    /** The middle 32 bits, the compact form a receiver report's LSR field holds (RFC 3550 6.4.1). */
    public long middle32() {
        return bits >>> 16 & 0xffff_ffffL;
    }
}
