package io.kvr.media.rtp.latm;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.media.rtp.AudioCorpus;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class LatmProperties {

    private static StreamMuxConfig config() {
        try {
            return StreamMuxConfig.fromHex("400023203fc0");
        } catch (RtpFormatException e) {
            throw new AssertionError(e);
        }
    }

    @Property(tries = 200)
    void packetizedUnitsComeBackWhole(
            @ForAll @Size(min = 1, max = 8) List<@Size(min = 1, max = 2000) byte[]> units,
            @ForAll @IntRange(min = 9, max = 1500) int maxPayload) {
        List<RtpPacket> packets = new ArrayList<>();
        LatmPacketizer packetizer = new LatmPacketizer();
        for (int i = 0; i < units.size(); i++) {
            long timestamp = 1024L * i;
            packetizer.packetize(new MediaFrame(timestamp, true, units.get(i)), maxPayload, (m, h, d, o, l) -> {
                byte[] payload = AudioCorpus.join(h, d, o, l);
                assertThat(payload.length).isLessThanOrEqualTo(maxPayload);
                packets.add(AudioCorpus.packet(m, packets.size(), timestamp, payload));
            });
        }

        List<MediaFrame> frames = AudioCorpus.depacketize(new LatmDepacketizer(config(), 1024), packets);

        assertThat(frames).extracting(MediaFrame::data).containsExactlyElementsOf(units);
        assertThat(frames)
                .extracting(MediaFrame::timestamp)
                .allSatisfy(t -> assertThat(t % 1024).isZero());
    }

    @Property(tries = 1000)
    void arbitraryPayloadsOnlyEverRaiseFormatErrors(
            @ForAll @Size(max = 12) List<@Size(max = 80) byte[]> payloads,
            @ForAll @Size(max = 12) List<Boolean> markers,
            @ForAll long seed) {
        List<RtpPacket> packets = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            boolean marker = i < markers.size() && markers.get(i);
            packets.add(AudioCorpus.packet(marker, i, (i / 3) * 1024L, payloads.get(i)));
        }
        List<MediaFrame> frames = AudioCorpus.feedDamaged(new LatmDepacketizer(config(), 1024), packets, seed);
        assertThat(frames).allSatisfy(f -> assertThat(f.data()).isNotEmpty());
    }

    @Property(tries = 100)
    void damagedCapturesOnlyEverRaiseFormatErrors(@ForAll long seed, @ForAll boolean fragmented) {
        String name = fragmented ? "ffmpeg-latm-fragmented" : "ffmpeg-latm";
        List<RtpPacket> packets = AudioCorpus.packets("/rtp/latm/" + name + ".packets");

        List<MediaFrame> frames = AudioCorpus.feedDamaged(new LatmDepacketizer(config(), 1024), packets, seed);

        assertThat(frames).allSatisfy(f -> assertThat(f.data()).isNotEmpty());
    }

    @Property(tries = 1000)
    void arbitraryStreamMuxConfigsOnlyEverRaiseFormatErrors(@ForAll @Size(max = 16) byte[] config) {
        try {
            StreamMuxConfig parsed = StreamMuxConfig.parse(config);
            assertThat(parsed.frameLength()).isPositive();
        } catch (RtpFormatException expected) {
            // refused cleanly
        }
    }
}
