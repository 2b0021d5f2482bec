package io.kvr.media.rtp.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.media.rtp.Depacketizer;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The captured packets, damaged: bit flips, truncation, duplication, swaps and drops. Whatever the damage, only
 * {@code RtpFormatException} comes out and units stay well-formed; when packets are only lost, every unit handed
 * out is one the sender encoded.
 */
class CapturedRtpMutationProperties {

    private static final List<String> CAPTURES = List.of(
            "/rtp/h264/ffmpeg-openh264",
            "/rtp/h264/gstreamer-x264",
            "/rtp/h265/gstreamer-x265",
            "/rtp/mpeg4/ffmpeg-mpeg4");
    private final Map<String, RtpCapture> loaded = new HashMap<>();

    enum Damage {
        FLIP_BIT,
        TRUNCATE,
        DUPLICATE,
        SWAP_WITH_NEXT,
        DROP,
        DROP_ANNOUNCED
    }

    /**
     * One damage to the packet at {@code index} (modulo the capture's size); {@code position} picks a byte. A
     * dropped packet is announced to the depacketizer as lost, as the reorder buffer does, or not at all.
     */
    record Mutation(Damage damage, int index, int position) {}

    @Property(tries = 400)
    void damagedCapturesGiveOnlyRtpFormatException(
            @ForAll("captures") String capture, @ForAll("mutations") List<Mutation> mutations) {
        List<byte[]> datagrams = new ArrayList<>();
        for (byte[] datagram : capture(capture).datagrams()) {
            datagrams.add(datagram.clone());
        }
        for (Mutation mutation : mutations) {
            int i = mutation.index() % datagrams.size();
            byte[] datagram = datagrams.get(i);
            if (datagram == null || datagram.length == 0) {
                continue;
            }
            switch (mutation.damage()) {
                case FLIP_BIT ->
                    datagram[mutation.position() % datagram.length] ^= (byte) (1 << (mutation.position() & 7));
                case TRUNCATE ->
                    datagrams.set(i, java.util.Arrays.copyOf(datagram, mutation.position() % datagram.length));
                case DUPLICATE -> datagrams.add(i, datagram.clone());
                case SWAP_WITH_NEXT -> {
                    if (i + 1 < datagrams.size()) {
                        datagrams.set(i, datagrams.get(i + 1));
                        datagrams.set(i + 1, datagram);
                    }
                }
                case DROP -> datagrams.set(i, new byte[0]);
                case DROP_ANNOUNCED -> datagrams.set(i, null);
            }
        }
        ReceivedUnitsCheck receiver = new ReceivedUnitsCheck(depacketizer(capture), !capture.contains("mpeg4"));
        int lost = 0;
        for (byte[] datagram : datagrams) {
            if (datagram == null) {
                lost++;
                continue;
            }
            receiver.lost(lost);
            lost = 0;
            if (datagram.length == 0) {
                continue;
            }
            try {
                receiver.accept(RtpPacket.parse(datagram, 0, datagram.length));
            } catch (RtpFormatException e) {
                receiver.lost(1);
            }
        }
        receiver.lost(lost);
        receiver.flush();
    }

    @Property(tries = 300)
    void lostCapturedPacketsLoseWholeUnitsOnly(
            @ForAll("captures") String capture, @ForAll("indexes") List<Integer> drops) throws RtpFormatException {
        List<RtpPacket> packets = capture(capture).packets();
        Map<Long, MediaFrame> sent = new HashMap<>();
        for (MediaFrame frame : RtpLoopback.receive(depacketizer(capture), packets)) {
            sent.put(frame.timestamp(), frame);
        }
        boolean[] dropped = new boolean[packets.size()];
        drops.forEach(i -> dropped[i % packets.size()] = true);
        ReceivedUnitsCheck receiver = new ReceivedUnitsCheck(depacketizer(capture), !capture.contains("mpeg4"));
        int lost = 0;
        for (int i = 0; i < packets.size(); i++) {
            if (dropped[i]) {
                lost++;
            } else {
                receiver.lost(lost);
                lost = 0;
                receiver.accept(packets.get(i));
            }
        }
        receiver.lost(lost);
        receiver.flush();

        assertThat(receiver.refused()).isZero();
        for (MediaFrame frame : receiver.frames()) {
            assertThat(frame.data()).isEqualTo(sent.get(frame.timestamp()).data());
        }
    }

    private static Depacketizer depacketizer(String capture) {
        if (capture.contains("h264")) {
            return new H264Depacketizer();
        }
        return capture.contains("h265") ? new H265Depacketizer() : new Mpeg4VisualDepacketizer();
    }

    private RtpCapture capture(String name) {
        return loaded.computeIfAbsent(name, n -> RtpCapture.load(n + ".rtp"));
    }

    @Provide
    Arbitrary<String> captures() {
        return Arbitraries.of(CAPTURES);
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return Combinators.combine(
                        Arbitraries.of(Damage.class),
                        Arbitraries.integers().between(0, 10_000),
                        Arbitraries.integers().between(0, 10_000))
                .as(Mutation::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(8);
    }

    @Provide
    Arbitrary<List<Integer>> indexes() {
        return Arbitraries.integers().between(0, 10_000).list().ofMaxSize(5);
    }
}
