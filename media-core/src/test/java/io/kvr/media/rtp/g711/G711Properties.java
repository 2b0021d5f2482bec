package io.kvr.media.rtp.g711;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.media.rtp.AudioCorpus;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class G711Properties {

    @Property(tries = 500)
    void packetizedSamplesComeBackAtTheirTimestamps(
            @ForAll @Size(min = 1, max = 4000) byte[] samples,
            @ForAll @IntRange(min = 1, max = 1500) int maxPayload,
            @ForAll @IntRange(min = 1, max = 480) int samplesPerPacket,
            @ForAll @LongRange(min = 0, max = 0xffff_ffffL) long timestamp) {
        List<RtpPacket> packets = new ArrayList<>();
        new G711Packetizer(samplesPerPacket)
                .packetize(new MediaFrame(timestamp, true, samples), maxPayload, (m, h, d, o, l) -> {
                    assertThat(l).isLessThanOrEqualTo(Math.min(maxPayload, samplesPerPacket));
                    packets.add(AudioCorpus.packet(
                            m, packets.size(), (timestamp + o) & 0xffff_ffffL, AudioCorpus.join(h, d, o, l)));
                });

        List<MediaFrame> frames = AudioCorpus.depacketize(new G711Depacketizer(), packets);

        int offset = 0;
        for (MediaFrame f : frames) {
            assertThat(f.timestamp()).isEqualTo((timestamp + offset) & 0xffff_ffffL);
            for (byte b : f.data()) {
                assertThat(b).isEqualTo(samples[offset++]);
            }
        }
        assertThat(offset).isEqualTo(samples.length);
    }

    @Property(tries = 200)
    void damagedCapturesOnlyEverRaiseFormatErrors(@ForAll long seed) {
        List<RtpPacket> packets = AudioCorpus.packets("/rtp/g711/ffmpeg-pcmu.packets");
        List<MediaFrame> frames = AudioCorpus.feedDamaged(new G711Depacketizer(), packets, seed);
        assertThat(frames).allSatisfy(f -> assertThat(f.data()).isNotEmpty());
    }
}
