package io.kvr.media.rtp.rtcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReceptionStatisticsTest {

    private static final long FRAME_NANOS = 40_000_000; // 25 fps
    private static final int FRAME_TICKS = 3600; // 40 ms at 90 kHz

    private final ReceptionStatistics stats = new ReceptionStatistics(0xabcdL, 90_000);

    @Test
    void perfectStreamHasNoLossNoJitter() {
        for (int i = 0; i < 100; i++) {
            stats.received(1000 + i, 5_000_000L + i * FRAME_TICKS, 7_000_000_000L + i * FRAME_NANOS);
        }

        ReportBlock block = stats.reportBlock(0);

        assertThat(block).isEqualTo(new ReportBlock(0xabcdL, 0, 0, 1099, 0, 0, 0));
    }

    @Test
    void countsLossAndItsFractionPerInterval() {
        for (int i = 0; i < 100; i++) {
            if (i % 10 != 5) {
                stats.received(i, i * FRAME_TICKS, i * FRAME_NANOS);
            }
        }
        ReportBlock first = stats.reportBlock(0);
        for (int i = 100; i < 200; i++) {
            stats.received(i, i * FRAME_TICKS, i * FRAME_NANOS);
        }
        ReportBlock second = stats.reportBlock(0);

        assertThat(first.cumulativeLost()).isEqualTo(10);
        assertThat(first.fractionLost()).isEqualTo(10 * 256 / 100);
        assertThat(second.cumulativeLost()).isEqualTo(10);
        assertThat(second.fractionLost()).isZero();
    }

    @Test
    void extendsTheSequenceNumberAcrossTheWrap() {
        for (int i = 0; i < 20; i++) {
            stats.received((65530 + i) & 0xffff, i * FRAME_TICKS, i * FRAME_NANOS);
        }

        assertThat(stats.extendedHighestSequence()).isEqualTo(65530 + 19);
        assertThat(stats.reportBlock(0).extendedHighestSequence()).isEqualTo(0x1_000d);
        assertThat(stats.cumulativeLost()).isZero();
    }

    @Test
    void duplicatesMakeLossNegative() {
        for (int s : List.of(1, 2, 2, 3, 3, 4)) {
            stats.received(s, s * FRAME_TICKS, s * FRAME_NANOS);
        }

        assertThat(stats.cumulativeLost()).isEqualTo(-2);
        assertThat(stats.reportBlock(0).cumulativeLost()).isEqualTo(-2);
    }

    @Test
    void aConfirmedJumpStartsCountingAgain() {
        stats.received(10, 0, 0);
        stats.received(11, FRAME_TICKS, FRAME_NANOS);
        stats.received(40_000, 0, 2 * FRAME_NANOS); // alone: ignored
        stats.received(12, 2 * FRAME_TICKS, 3 * FRAME_NANOS);
        stats.received(50_000, 0, 4 * FRAME_NANOS);
        stats.received(50_001, FRAME_TICKS, 5 * FRAME_NANOS);

        // RFC 3550 A.1: counting starts again from the packet that confirmed the jump
        assertThat(stats.extendedHighestSequence()).isEqualTo(50_001);
        assertThat(stats.received()).isEqualTo(1);
        assertThat(stats.cumulativeLost()).isZero();
    }

    @Test
    void jitterFollowsTheVariationOfTransitTime() {
        // every other packet 10 ms late: |D| is 900 ticks each time, so J tends to 900 (RFC 3550 A.8)
        for (int i = 0; i < 500; i++) {
            long late = i % 2 == 0 ? 0 : 10_000_000;
            stats.received(i, (0xffff_ffffL - 100_000 + (long) i * FRAME_TICKS) & 0xffff_ffffL, i * FRAME_NANOS + late);
        }

        assertThat(stats.jitter()).isBetween(890L, 900L);
        assertThat(stats.reportBlock(0).jitter()).isEqualTo(stats.jitter());
    }

    @Test
    void reportsTheLastSenderReportAndTheDelaySince() {
        stats.received(1, 0, 0);
        stats.senderReport(
                new SenderReport(0xabcdL, new NtpTimestamp(0xeec1b29f52fc6972L), 0, 1, 100, List.of()), 2_000_000_000L);

        ReportBlock block = stats.reportBlock(3_500_000_000L);

        assertThat(block.lastSenderReport()).isEqualTo(0xb29f52fcL);
        assertThat(block.delaySinceLastSenderReport()).isEqualTo(3 * 65536 / 2);
    }
}
