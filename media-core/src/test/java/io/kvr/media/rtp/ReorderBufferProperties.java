package io.kvr.media.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ReorderBufferProperties {

    private static final long SSRC = 0xcafe;

    /**
     * A stream of which some packets are dropped, the rest delayed by up to the window (so none passes the point
     * the buffer gives up at) and some sent twice: every surviving packet comes out once, in order, and the loss
     * reported before each is exactly the packets dropped before it.
     */
    @Property(tries = 1000)
    void handsOutEachSurvivorOnceInOrderAndReportsTheDroppedOnes(@ForAll("network") Network network) {
        ReorderBuffer buffer = new ReorderBuffer(network.window());
        RecordingSink sink = new RecordingSink();

        network.arrivals().forEach(p -> buffer.offer(p, sink));
        buffer.flush(sink);

        List<String> expected = new ArrayList<>();
        int previous = -1;
        for (int i = 0; i < network.sent(); i++) {
            if (network.dropped()[i]) {
                continue;
            }
            if (previous >= 0 && i - previous > 1) {
                expected.add("lost " + (i - previous - 1));
            }
            expected.add(Integer.toString((network.firstSequence() + i) & 0xffff));
            previous = i;
        }
        assertThat(sink.events).containsExactlyElementsOf(expected);
        assertThat(buffer.lost()).isEqualTo(sink.lost);
        assertThat(buffer.held()).isZero();
        assertThat(buffer.restarts()).isZero();
        assertThat(buffer.late()).isZero();
    }

    /**
     * Whatever arrives (any sequence numbers, two sources, any window): no exception, at most the window held,
     * between restarts packets come out in increasing order with the gaps reported, and every packet is accounted
     * for (handed out, held, dropped and counted, or the one restart candidate).
     */
    @Property(tries = 1000)
    void anyArrivalOrderKeepsItsInvariants(
            @ForAll @IntRange(max = 40) int window,
            @ForAll @Size(max = 400) List<@IntRange(max = 0xffff) Integer> sequenceNumbers,
            @ForAll @Size(max = 400) List<Boolean> otherSource) {
        ReorderBuffer buffer = new ReorderBuffer(window);
        CheckingSink sink = new CheckingSink();

        for (int i = 0; i < sequenceNumbers.size(); i++) {
            long ssrc = i < otherSource.size() && otherSource.get(i) ? SSRC + 1 : SSRC;
            buffer.offer(ReorderBufferTest.packet(sequenceNumbers.get(i), i, ssrc), sink);
            // plain checks in the loops: AssertJ per packet would make the property slow
            if (buffer.held() < 0 || buffer.held() > window) {
                throw new AssertionError(buffer.held() + " held with window " + window);
            }
        }
        long accounted = buffer.handedOut() + buffer.held() + buffer.duplicates() + buffer.late() + buffer.strays();
        assertThat(sequenceNumbers.size() - accounted).isBetween(0L, 1L);
        assertThat(sink.packets).isEqualTo(buffer.handedOut());
        assertThat(sink.lost).isEqualTo(buffer.lost());

        buffer.flush(sink);
        assertThat(buffer.held()).isZero();
    }

    /** Packets as a reordering, lossy, duplicating network delivers them. */
    record Network(int window, int firstSequence, int sent, boolean[] dropped, List<RtpPacket> arrivals) {}

    @Provide
    Arbitrary<Network> network() {
        Arbitrary<Integer> window = Arbitraries.integers().between(0, 32);
        Arbitrary<Integer> first = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 0xffff),
                Arbitraries.integers().between(0xff00, 0xffff));
        Arbitrary<Integer> sent = Arbitraries.integers().between(1, 300);
        Arbitrary<Long> seed = Arbitraries.longs();
        return Combinators.combine(window, first, sent, seed).as(ReorderBufferProperties::network);
    }

    private static Network network(int window, int firstSequence, int sent, long seed) {
        java.util.Random random = new java.util.Random(seed);
        int dropPercent = random.nextInt(40);
        boolean[] dropped = new boolean[sent];
        record Arrival(long key, int order, RtpPacket packet) {}
        List<Arrival> arrivals = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            // the first packet starts the sequence: never dropped, never overtaken
            dropped[i] = i > 0 && random.nextInt(100) < dropPercent;
            if (dropped[i]) {
                continue;
            }
            RtpPacket packet = ReorderBufferTest.packet((firstSequence + i) & 0xffff, i * 3000L, SSRC);
            // delayed by up to the window: only packets less than a window behind it can overtake it
            long key = i == 0 ? -1 : i + random.nextInt(window + 1);
            arrivals.add(new Arrival(key, arrivals.size(), packet));
            if (random.nextInt(10) == 0) {
                arrivals.add(new Arrival(key + random.nextInt(window + 1), arrivals.size(), packet));
            }
        }
        arrivals.sort(Comparator.comparingLong(Arrival::key).thenComparingInt(Arrival::order));
        return new Network(
                window,
                firstSequence,
                sent,
                dropped,
                arrivals.stream().map(Arrival::packet).toList());
    }

    /** Checks the order of what comes out as it comes. */
    private static final class CheckingSink implements OrderedPacketSink {

        long packets;
        long lost;
        private int previous = -1;
        private int lostSincePrevious;

        @Override
        public void packet(RtpPacket packet) {
            if (previous >= 0) {
                int step = ReorderBuffer.distance(packet.sequenceNumber(), previous);
                if (step < 1 || lostSincePrevious != step - 1) {
                    throw new AssertionError("from " + previous + " to " + packet.sequenceNumber() + " with "
                            + lostSincePrevious + " reported lost");
                }
            }
            previous = packet.sequenceNumber();
            lostSincePrevious = 0;
            packets++;
        }

        @Override
        public void lost(int count) {
            if (count < 1 || previous < 0) {
                throw new AssertionError("lost(" + count + ") after " + previous);
            }
            lostSincePrevious += count;
            lost += count;
        }

        @Override
        public void restarted() {
            previous = -1;
            lostSincePrevious = 0;
        }
    }
}
