package io.kvr.media.rtp.video;

import io.kvr.media.rtp.Depacketizer;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Arbitrary payloads, in any order, with markers, timestamps and losses anywhere: the depacketizers throw nothing
 * but {@code RtpFormatException} and hand out only well-formed units, a keyframe first after every loss.
 */
class VideoDepacketizerRobustnessProperties {

    /** A packet as it arrives: its payload, marker and timestamp, and how many packets were lost before it. */
    record Arrival(byte[] payload, boolean marker, long timestamp, int lostBefore) {}

    @Property(tries = 1000)
    void h264TakesAnyPayload(@ForAll("h264Arrivals") List<Arrival> arrivals) {
        feed(H264Depacketizer::new, true, arrivals);
    }

    @Property(tries = 1000)
    void h265TakesAnyPayload(@ForAll("h265Arrivals") List<Arrival> arrivals) {
        feed(H265Depacketizer::new, true, arrivals);
    }

    @Property(tries = 500)
    void mpeg4TakesAnyPayload(@ForAll("mpeg4Arrivals") List<Arrival> arrivals) {
        feed(Mpeg4VisualDepacketizer::new, false, arrivals);
    }

    private static void feed(Supplier<Depacketizer> depacketizer, boolean nalUnits, List<Arrival> arrivals) {
        ReceivedUnitsCheck receiver = new ReceivedUnitsCheck(depacketizer.get(), nalUnits);
        int sequenceNumber = 0;
        for (Arrival arrival : arrivals) {
            receiver.lost(arrival.lostBefore());
            sequenceNumber += 1 + arrival.lostBefore();
            receiver.accept(RtpLoopback.packet(
                    arrival.marker(), sequenceNumber & 0xffff, arrival.timestamp(), arrival.payload()));
        }
        receiver.flush();
    }

    /** Payloads that begin like the packet types (STAP-A, FU-A with S/E bits, slices, reserved types). */
    @Provide
    Arbitrary<List<Arrival>> h264Arrivals() {
        return arrivals(Arbitraries.of(
                new byte[0],
                new byte[] {0x65},
                new byte[] {0x41},
                new byte[] {0x67},
                new byte[] {0x09},
                new byte[] {0x18, 0},
                new byte[] {0x18},
                new byte[] {0x7c, (byte) 0x85},
                new byte[] {0x7c, 0x05},
                new byte[] {0x7c, 0x45},
                new byte[] {0x7c, (byte) 0xc5},
                new byte[] {0x5c, (byte) 0x81},
                new byte[] {0x5c, 0x41},
                new byte[] {0x19},
                new byte[] {0x1e},
                new byte[] {0x00}));
    }

    /** Payloads that begin like the packet types (AP, FU with S/E bits, IRAP and other slices, PACI). */
    @Provide
    Arbitrary<List<Arrival>> h265Arrivals() {
        return arrivals(Arbitraries.of(
                new byte[0],
                new byte[] {0x26, 0x01},
                new byte[] {0x02, 0x01},
                new byte[] {0x40, 0x01},
                new byte[] {0x26, 0x00},
                new byte[] {0x60, 0x01},
                new byte[] {0x60, 0x01, 0},
                new byte[] {0x62, 0x01, (byte) 0x93},
                new byte[] {0x62, 0x01, 0x13},
                new byte[] {0x62, 0x01, 0x53},
                new byte[] {0x62, 0x01, (byte) 0xd3},
                new byte[] {0x62, 0x01, (byte) 0x81},
                new byte[] {0x62, 0x01, 0x41},
                new byte[] {0x64, 0x01},
                new byte[] {0x6e, 0x01}));
    }

    @Provide
    Arbitrary<List<Arrival>> mpeg4Arrivals() {
        return arrivals(Arbitraries.of(
                new byte[0],
                new byte[] {0, 0, 1, (byte) 0xb6, 0x10},
                new byte[] {0, 0, 1, (byte) 0xb6, 0x50},
                new byte[] {0, 0, 1, (byte) 0xb0, 1, 0, 0, 1, 0x20}));
    }

    private static Arbitrary<List<Arrival>> arrivals(Arbitrary<byte[]> beginnings) {
        Arbitrary<byte[]> tails = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.bytes().array(byte[].class).ofMaxSize(12)),
                Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(600)));
        Arbitrary<byte[]> payloads = Combinators.combine(beginnings, tails).as((head, tail) -> {
            byte[] payload = new byte[head.length + tail.length];
            System.arraycopy(head, 0, payload, 0, head.length);
            System.arraycopy(tail, 0, payload, head.length, tail.length);
            return payload;
        });
        Arbitrary<Long> timestamps = Arbitraries.of(0L, 3000L, 6000L, 0xffff_ffffL);
        Arbitrary<Integer> losses = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.just(0)),
                Tuple.of(1, Arbitraries.integers().between(1, 3)));
        return Combinators.combine(payloads, Arbitraries.of(true, false), timestamps, losses)
                .as(Arrival::new)
                .list()
                .ofMaxSize(30);
    }
}
