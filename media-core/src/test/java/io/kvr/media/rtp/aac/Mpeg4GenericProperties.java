package io.kvr.media.rtp.aac;

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

class Mpeg4GenericProperties {

    @Property(tries = 200)
    void packetizedUnitsComeBackWhole(
            @ForAll @Size(min = 1, max = 8) List<@Size(min = 1, max = 2000) byte[]> units,
            @ForAll @IntRange(min = 5, max = 1500) int maxPayload,
            @ForAll boolean lowBitRate)
            throws RtpFormatException {
        AuHeaderLayout layout = lowBitRate ? AuHeaderLayout.AAC_LBR : AuHeaderLayout.AAC_HBR;
        List<byte[]> sent = units.stream()
                .map(u -> u.length > layout.maxUnitSize() ? java.util.Arrays.copyOf(u, layout.maxUnitSize()) : u)
                .toList();
        List<RtpPacket> packets = new ArrayList<>();
        Mpeg4GenericPacketizer packetizer = new Mpeg4GenericPacketizer(layout);
        for (int i = 0; i < sent.size(); i++) {
            long timestamp = 1024L * i;
            packetizer.packetize(new MediaFrame(timestamp, true, sent.get(i)), maxPayload, (m, h, d, o, l) -> {
                byte[] payload = AudioCorpus.join(h, d, o, l);
                assertThat(payload.length).isLessThanOrEqualTo(maxPayload);
                packets.add(AudioCorpus.packet(m, packets.size(), timestamp, payload));
            });
        }

        List<MediaFrame> frames = AudioCorpus.depacketize(new Mpeg4GenericDepacketizer(layout, 1024), packets);

        assertThat(frames).hasSameSizeAs(sent);
        for (int i = 0; i < sent.size(); i++) {
            assertThat(frames.get(i).data()).isEqualTo(sent.get(i));
            assertThat(frames.get(i).timestamp()).isEqualTo(1024L * i);
        }
    }

    @Property(tries = 1000)
    void arbitraryPayloadsOnlyEverRaiseFormatErrors(
            @ForAll @Size(max = 12) List<@Size(max = 64) byte[]> payloads,
            @ForAll @Size(max = 12) List<Boolean> markers,
            @ForAll long seed) {
        List<RtpPacket> packets = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            boolean marker = i < markers.size() && markers.get(i);
            packets.add(AudioCorpus.packet(marker, i, (i / 3) * 1024L, payloads.get(i)));
        }
        List<MediaFrame> frames =
                AudioCorpus.feedDamaged(new Mpeg4GenericDepacketizer(AuHeaderLayout.AAC_HBR, 1024), packets, seed);
        assertThat(frames).allSatisfy(f -> assertThat(f.data()).isNotEmpty());
    }

    @Property(tries = 100)
    void damagedCapturesOnlyEverRaiseFormatErrors(@ForAll long seed, @ForAll boolean fragmented) {
        String name = fragmented ? "ffmpeg-aac-fragmented" : "ffmpeg-aac";
        List<RtpPacket> packets = AudioCorpus.packets("/rtp/aac/" + name + ".packets");
        Mpeg4GenericDepacketizer depacketizer = new Mpeg4GenericDepacketizer(AuHeaderLayout.AAC_HBR, 1024);

        List<MediaFrame> frames = AudioCorpus.feedDamaged(depacketizer, packets, seed);

        assertThat(frames).allSatisfy(f -> assertThat(f.data().length).isBetween(1, 8191));
    }
}
