package io.kvr.media.rtp.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.media.codec.VideoCodec;
import io.kvr.media.rtp.Depacketizer;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.Packetizer;
import io.kvr.media.rtp.RtpPacket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Packets lost anywhere (announced, as the reorder buffer does) never give a broken unit: every unit handed out is
 * exactly one the sender sent, and the first one after a loss is a keyframe.
 */
class VideoLossProperties {

    @Property(tries = 300)
    void h264LossesLoseWholeUnitsOnly(
            @ForAll("sizes") List<List<Integer>> sizes,
            @ForAll long seed,
            @ForAll @IntRange(min = 100, max = 1500) int maxPayload,
            @ForAll("drops") Set<Integer> drops) {
        List<MediaFrame> units = SyntheticStreams.nalUnits(VideoCodec.H264, sizes, seed);

        check(units, new H264Packetizer(), new H264Depacketizer(), true, maxPayload, drops);
    }

    @Property(tries = 300)
    void h265LossesLoseWholeUnitsOnly(
            @ForAll("sizes") List<List<Integer>> sizes,
            @ForAll long seed,
            @ForAll @IntRange(min = 100, max = 1500) int maxPayload,
            @ForAll("drops") Set<Integer> drops) {
        List<MediaFrame> units = SyntheticStreams.nalUnits(VideoCodec.H265, sizes, seed);

        check(units, new H265Packetizer(), new H265Depacketizer(), true, maxPayload, drops);
    }

    @Property(tries = 300)
    void mpeg4LossesLoseWholeUnitsOnly(
            @ForAll("sizes") List<List<Integer>> sizes,
            @ForAll long seed,
            @ForAll @IntRange(min = 100, max = 1500) int maxPayload,
            @ForAll("drops") Set<Integer> drops) {
        List<MediaFrame> units = SyntheticStreams.mpeg4(sizes, seed);

        check(units, new Mpeg4VisualPacketizer(), new Mpeg4VisualDepacketizer(), false, maxPayload, drops);
    }

    private static void check(
            List<MediaFrame> units,
            Packetizer packetizer,
            Depacketizer depacketizer,
            boolean nalUnits,
            int maxPayload,
            Set<Integer> drops) {
        List<RtpPacket> packets = RtpLoopback.send(packetizer, units, maxPayload);
        ReceivedUnitsCheck receiver = new ReceivedUnitsCheck(depacketizer, nalUnits);
        int lost = 0;
        for (int i = 0; i < packets.size(); i++) {
            if (drops.contains(i)) {
                lost++;
                continue;
            }
            receiver.lost(lost);
            lost = 0;
            receiver.accept(packets.get(i));
        }
        receiver.lost(lost);
        receiver.flush();

        Map<Long, MediaFrame> sent = new HashMap<>();
        units.forEach(unit -> sent.put(unit.timestamp(), unit));
        for (MediaFrame frame : receiver.frames()) {
            assertThat(frame.data()).isEqualTo(sent.get(frame.timestamp()).data());
        }
        assertThat(receiver.refused()).isZero();
        assertThat(receiver.frames().size() + depacketizer.droppedUnits()).isLessThanOrEqualTo(units.size());
        if (drops.stream().noneMatch(i -> i < packets.size())) {
            assertThat(receiver.frames()).hasSameSizeAs(units);
        }
    }

    @Provide
    Arbitrary<List<List<Integer>>> sizes() {
        Arbitrary<Integer> size = Arbitraries.integers().between(1, 4000);
        return size.list().ofMinSize(1).ofMaxSize(3).list().ofMinSize(1).ofMaxSize(10);
    }

    /** Indexes of dropped packets, among the first few dozen a stream has. */
    @Provide
    Arbitrary<Set<Integer>> drops() {
        return Arbitraries.integers().between(0, 60).set().ofMaxSize(4);
    }
}
