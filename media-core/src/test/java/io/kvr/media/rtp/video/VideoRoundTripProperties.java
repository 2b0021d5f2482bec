package io.kvr.media.rtp.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.media.codec.VideoCodec;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/** Packetizing then depacketizing gives every unit back, byte for byte, whatever the sizes and payload limit. */
class VideoRoundTripProperties {

    @Property(tries = 300)
    void h264UnitsComeBackUnchanged(
            @ForAll("nalUnitSizes") List<List<Integer>> sizes,
            @ForAll long seed,
            @ForAll @IntRange(min = 100, max = 1500) int maxPayload)
            throws RtpFormatException {
        List<MediaFrame> units = SyntheticStreams.nalUnits(VideoCodec.H264, sizes, seed);

        roundTrip(units, new H264Packetizer(), new H264Depacketizer(), maxPayload);
    }

    @Property(tries = 300)
    void h265UnitsComeBackUnchanged(
            @ForAll("nalUnitSizes") List<List<Integer>> sizes,
            @ForAll long seed,
            @ForAll @IntRange(min = 100, max = 1500) int maxPayload)
            throws RtpFormatException {
        List<MediaFrame> units = SyntheticStreams.nalUnits(VideoCodec.H265, sizes, seed);

        roundTrip(units, new H265Packetizer(), new H265Depacketizer(), maxPayload);
    }

    @Property(tries = 300)
    void mpeg4UnitsComeBackUnchanged(
            @ForAll("nalUnitSizes") List<List<Integer>> sizes,
            @ForAll long seed,
            @ForAll @IntRange(min = 100, max = 1500) int maxPayload)
            throws RtpFormatException {
        List<MediaFrame> units = SyntheticStreams.mpeg4(sizes, seed);

        roundTrip(units, new Mpeg4VisualPacketizer(), new Mpeg4VisualDepacketizer(), maxPayload);
    }

    private static void roundTrip(
            List<MediaFrame> units,
            io.kvr.media.rtp.Packetizer packetizer,
            io.kvr.media.rtp.Depacketizer depacketizer,
            int maxPayload)
            throws RtpFormatException {
        List<RtpPacket> packets = RtpLoopback.send(packetizer, units, maxPayload);

        List<MediaFrame> received = RtpLoopback.receive(depacketizer, packets);

        assertThat(received).hasSameSizeAs(units);
        for (int i = 0; i < units.size(); i++) {
            assertThat(received.get(i).timestamp()).isEqualTo(units.get(i).timestamp());
            assertThat(received.get(i).keyframe()).isEqualTo(units.get(i).keyframe());
            assertThat(received.get(i).data()).isEqualTo(units.get(i).data());
        }
        assertThat(depacketizer.droppedUnits()).isZero();
    }

    /** Units of 1 to 4 NAL units: many tiny ones (1 byte, a bare header), most up to 3000 bytes, some over 64 KiB. */
    @Provide
    static Arbitrary<List<List<Integer>>> nalUnitSizes() {
        Arbitrary<Integer> size = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(1)),
                Tuple.of(12, Arbitraries.integers().between(1, 3000)),
                Tuple.of(1, Arbitraries.integers().between(65_000, 70_000)));
        return size.list().ofMinSize(1).ofMaxSize(4).list().ofMinSize(1).ofMaxSize(6);
    }
}
