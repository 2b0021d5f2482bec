package io.kvr.media.rtp.rtcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SenderClockTest {

    private static final long T = 1_796_682_756_652L;

    private final SenderClock clock = new SenderClock(90_000);

    @Test
    void mapsTimestampsAfterAndBeforeTheReport() {
        clock.update(report(T, 1_000_000));

        assertThat(clock.unixMillis(1_000_000)).isEqualTo(T);
        assertThat(clock.unixMillis(1_000_000 + 90_000)).isEqualTo(T + 1000);
        assertThat(clock.unixMillis(1_000_000 - 45_000)).isEqualTo(T - 500);
        assertThat(clock.unixMillis(1_000_000 + 3003)).isEqualTo(T + 33); // 33.37 ms, floored
    }

    @Test
    void handlesTheTimestampWrapBetweenReportAndUnit() {
        clock.update(report(T, 0xffff_ffffL - 44_999));

        assertThat(clock.unixMillis(45_000)).isEqualTo(T + 1000);
        assertThat(clock.unixMillis(0xffff_ffffL - 89_999)).isEqualTo(T - 500);
    }

    @Test
    void followsTheLatestReport() {
        clock.update(report(T, 0));
        clock.update(report(T + 5000, 450_000 + 90)); // the sender's clocks drifted 1 ms

        assertThat(clock.unixMillis(450_090)).isEqualTo(T + 5000);
    }

    @Test
    void ignoresAReportWithoutWallClock() {
        clock.update(new SenderReport(1, new NtpTimestamp(0), 1234, 0, 0, List.of()));

        assertThat(clock.synchronised()).isFalse();
        assertThatThrownBy(() -> clock.unixMillis(1234)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void realSendersReportsAgreeWithEachOther() {
        for (String capture : List.of("/rtp/rtcp/ffmpeg-sender.rtcp", "/rtp/rtcp/gstreamer-sender.rtcp")) {
            List<SenderReport> reports = RtcpCompoundTest.senderReports(capture);
            SenderClock first = new SenderClock(90_000);
            first.update(reports.getFirst());
            for (SenderReport later : reports.subList(1, reports.size())) {
                assertThat(first.unixMillis(later.rtpTimestamp()))
                        .as(capture)
                        .isBetween(
                                later.ntpTime().toUnixMillis() - 1,
                                later.ntpTime().toUnixMillis() + 1);
            }
        }
    }

    private static SenderReport report(long unixMillis, long rtpTimestamp) {
        return new SenderReport(1, NtpTimestamp.ofUnixMillis(unixMillis), rtpTimestamp, 0, 0, List.of());
    }
}
