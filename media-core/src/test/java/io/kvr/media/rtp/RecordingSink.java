package io.kvr.media.rtp;

import java.util.ArrayList;
import java.util.List;

/** Writes down what a {@link ReorderBuffer} hands out: sequence numbers, "lost N" and "restart" in order. */
final class RecordingSink implements OrderedPacketSink {

    final List<String> events = new ArrayList<>();
    final List<RtpPacket> packets = new ArrayList<>();
    long lost;

    @Override
    public void packet(RtpPacket packet) {
        events.add(Integer.toString(packet.sequenceNumber()));
        packets.add(packet);
    }

    @Override
    public void lost(int count) {
        if (count < 1) {
            throw new AssertionError("lost(" + count + ")");
        }
        events.add("lost " + count);
        lost += count;
    }

    @Override
    public void restarted() {
        events.add("restart");
    }

    List<Integer> sequenceNumbers() {
        return packets.stream().map(RtpPacket::sequenceNumber).toList();
    }
}
