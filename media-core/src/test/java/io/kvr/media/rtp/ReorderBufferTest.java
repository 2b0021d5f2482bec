package io.kvr.media.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReorderBufferTest {

    private static final long SSRC = 0x1234;

    private final RecordingSink sink = new RecordingSink();

    @Test
    void putsReorderedPacketsBackInOrder() {
        ReorderBuffer buffer = new ReorderBuffer(8);

        offer(buffer, 10, 12, 13, 11, 14);

        assertThat(sink.events).containsExactly("10", "11", "12", "13", "14");
        assertThat(buffer.held()).isZero();
        assertThat(buffer.lost()).isZero();
    }

    @Test
    void sequenceNumberWrapIsNoGap() {
        ReorderBuffer buffer = new ReorderBuffer(4);

        offer(buffer, 65533, 65535, 65534, 1, 0, 2);

        assertThat(sink.events).containsExactly("65533", "65534", "65535", "0", "1", "2");
        assertThat(buffer.lost()).isZero();
    }

    @Test
    void heldPacketsAcrossTheWrapKeepTheirSlots() {
        // a window that does not divide 2^16: 65535 and 0 must still sit in different slots
        ReorderBuffer buffer = new ReorderBuffer(10);

        offer(buffer, 65530, 65532, 65533, 65534, 65535, 0, 1, 2, 3, 65531);

        assertThat(sink.sequenceNumbers()).containsExactly(65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3);
    }

    @Test
    void givesUpOnAGapOnceTheWindowIsPassed() {
        ReorderBuffer buffer = new ReorderBuffer(3);

        offer(buffer, 1, 3, 4, 5);
        assertThat(sink.events).containsExactly("1");
        assertThat(buffer.held()).isEqualTo(3);

        offer(buffer, 6);

        assertThat(sink.events).containsExactly("1", "lost 1", "3", "4", "5", "6");
        assertThat(buffer.lost()).isEqualTo(1);
        assertThat(buffer.held()).isZero();
    }

    @Test
    void reportsEachGapBeforeThePacketAfterIt() {
        ReorderBuffer buffer = new ReorderBuffer(2);

        offer(buffer, 1, 3, 6, 9);

        assertThat(sink.events).containsExactly("1", "lost 1", "3", "lost 2", "6");
        buffer.flush(sink);
        assertThat(sink.events).containsExactly("1", "lost 1", "3", "lost 2", "6", "lost 2", "9");
        assertThat(buffer.lost()).isEqualTo(5);
    }

    @Test
    void dropsDuplicatesAndLatePackets() {
        ReorderBuffer buffer = new ReorderBuffer(2);

        offer(buffer, 1, 2, 2, 4, 4, 5, 6, 3, 1);

        assertThat(sink.events).containsExactly("1", "2", "lost 1", "4", "5", "6");
        assertThat(buffer.duplicates()).isEqualTo(3); // 2 again, 4 while held, 1 again
        assertThat(buffer.late()).isEqualTo(1); // 3 after it was given up
    }

    @Test
    void windowZeroHandsOutAtOnceAndCountsLoss() {
        ReorderBuffer buffer = new ReorderBuffer(0);

        offer(buffer, 100, 101, 104, 103, 105);

        assertThat(sink.events).containsExactly("100", "101", "lost 2", "104", "105");
        assertThat(buffer.late()).isEqualTo(1);
        assertThat(buffer.held()).isZero();
    }

    @Test
    void aConfirmedJumpRestartsTheSequenceWithoutWaiting() {
        ReorderBuffer buffer = new ReorderBuffer(4);

        offer(buffer, 1, 2, 4, 40000, 40001, 40002);

        assertThat(sink.events).containsExactly("1", "2", "lost 1", "4", "restart", "40000", "40001", "40002");
        assertThat(buffer.restarts()).isEqualTo(1);
        assertThat(buffer.held()).isZero();
    }

    @Test
    void aBackwardJumpRestartsToo() {
        ReorderBuffer buffer = new ReorderBuffer(4);

        offer(buffer, 5000, 5001, 7, 8, 9);

        assertThat(sink.events).containsExactly("5000", "5001", "restart", "7", "8", "9");
    }

    @Test
    void aSingleStrayPacketDisturbsNothing() {
        ReorderBuffer buffer = new ReorderBuffer(4);

        offer(buffer, 1, 2, 30000, 3, 4);

        assertThat(sink.events).containsExactly("1", "2", "3", "4");
        assertThat(buffer.strays()).isEqualTo(1);
        assertThat(buffer.restarts()).isZero();
    }

    @Test
    void aNewSsrcRestartsTheSequence() {
        ReorderBuffer buffer = new ReorderBuffer(4);
        offer(buffer, 1, 2, 3);

        buffer.offer(packet(77, 3, 0x9999), sink);
        buffer.offer(packet(78, 4, 0x9999), sink);
        offer(buffer, 4); // the old source again, once: a stray
        buffer.offer(packet(79, 5, 0x9999), sink);

        assertThat(sink.events).containsExactly("1", "2", "3", "restart", "77", "78", "79");
        assertThat(sink.packets.getLast().ssrc()).isEqualTo(0x9999);
        assertThat(buffer.strays()).isEqualTo(1);
    }

    @Test
    void holdsNoMoreThanTheWindowWhateverComes() {
        ReorderBuffer buffer = new ReorderBuffer(16);
        Random random = new Random(7);
        buffer.offer(packet(0, 0, SSRC), sink);

        for (int i = 0; i < 100_000; i++) {
            buffer.offer(packet(random.nextInt(1 << 16), random.nextInt(), random.nextInt(3)), sink);
            assertThat(buffer.held()).isBetween(0, 16);
        }
    }

    @Test
    void rejectsAWindowOutOfRange() {
        assertThatThrownBy(() -> new ReorderBuffer(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReorderBuffer(ReorderBuffer.MAX_WINDOW + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void restoresTheOrderFfmpegSentItsPacketsIn() throws RtpFormatException {
        List<RtpPacket> sent = new ArrayList<>();
        for (byte[] datagram : CapturedDatagrams.read("/rtp/rtcp/ffmpeg-h264.rtp")) {
            sent.add(RtpPacket.parse(datagram, 0, datagram.length));
        }
        // swap neighbours in blocks of 4 and send every tenth packet twice, as a bad network path would
        List<RtpPacket> arrived = new ArrayList<>();
        for (int i = 0; i < sent.size(); i += 4) {
            List<RtpPacket> block = new ArrayList<>(sent.subList(i, Math.min(i + 4, sent.size())));
            Collections.reverse(block.subList(1, block.size()));
            for (RtpPacket p : block) {
                arrived.add(p);
                if (p.sequenceNumber() % 10 == 0) {
                    arrived.add(p);
                }
            }
        }
        ReorderBuffer buffer = new ReorderBuffer(8);

        arrived.forEach(p -> buffer.offer(p, sink));
        buffer.flush(sink);

        assertThat(sink.packets).containsExactlyElementsOf(sent);
        assertThat(buffer.lost()).isZero();
        assertThat(buffer.duplicates()).isEqualTo(arrived.size() - sent.size());
    }

    private void offer(ReorderBuffer buffer, int... sequenceNumbers) {
        for (int s : sequenceNumbers) {
            buffer.offer(packet(s, 0, SSRC), sink);
        }
    }

    static RtpPacket packet(int sequenceNumber, long timestamp, long ssrc) {
        byte[] payload = {(byte) sequenceNumber};
        return new RtpPacket(96, false, sequenceNumber, timestamp & 0xffff_ffffL, ssrc, payload, 0, 1);
    }
}
