package io.kvr.bridge.rtspserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.media.rtp.TimestampUnwrapper;
import io.kvr.media.rtp.rtcp.NtpTimestamp;
import io.kvr.media.rtp.rtcp.SenderClock;
import io.kvr.media.rtp.rtcp.SenderReport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The publisher's wall clock at pts 0, from its sender report: what a pushed stream's capture times start from. */
class SenderReportStartTest {
    private static final long WALL_MS = 1_765_000_000_000L;

    private static SenderClock clock(long wallMs, long rtpTimestamp, int rate) {
        SenderClock c = new SenderClock(rate);
        c.update(new SenderReport(1, NtpTimestamp.ofUnixMillis(wallMs), rtpTimestamp, 0, 0, List.of()));
        return c;
    }

    @Test
    void ptsZeroIsTheReportsWallClockLessTheTicksSinceTheFirstTimestamp() {
        TimestampUnwrapper unwrap = new TimestampUnwrapper();
        long first = 1_000_000;
        long pts0 = unwrap.unwrap(first);
        // the report says: RTP 1_090_000 (1 s after the first packet at 90 kHz) is WALL_MS
        SenderClock c = clock(WALL_MS, first + 90_000, 90_000);
        long start = PushedStream.cameraStartMicros(c, first, pts0, 90_000);
        // capture = start + pts: the first packet was captured 1 s before the report's instant
        assertThat(start + pts0 * 1_000_000 / 90_000).isEqualTo((WALL_MS - 1000) * 1000);
        long later = unwrap.unwrap(first + 45_000);
        assertThat(PushedStream.cameraStartMicros(c, first + 45_000, later, 90_000))
                .isEqualTo(start);
    }

    @Test
    void theStartHoldsAcrossTheTimestampWrap() {
        TimestampUnwrapper unwrap = new TimestampUnwrapper();
        long first = 0xffff_ffffL - 22_050; // half a second before the wrap at 44.1 kHz
        long pts0 = unwrap.unwrap(first);
        SenderClock c = clock(WALL_MS, first, 44_100);
        long start = PushedStream.cameraStartMicros(c, first, pts0, 44_100);
        long wrapped = 44_100 - 22_051; // 1 s after the first: past 2^32, back near 0
        long pts = unwrap.unwrap(wrapped);
        assertThat(pts).isEqualTo(pts0 + 44_100);
        assertThat(PushedStream.cameraStartMicros(c, wrapped, pts, 44_100)).isEqualTo(start);
        assertThat(Math.floorDiv(start + pts * 1_000_000 / 44_100, 1000)).isEqualTo(WALL_MS + 1000);
    }
}
