package io.kvr.media.rtp.opus;

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

class OpusProperties {

    @Property(tries = 200)
    void aPacketThatFitsComesBackAsIs(
            @ForAll @IntRange(min = 0, max = 31) int config,
            @ForAll @Size(max = 300) byte[] frame,
            @ForAll @IntRange(min = 1, max = 400) int maxPayload,
            @ForAll @IntRange(min = 0, max = 0xffff) int sequenceNumber)
            throws RtpFormatException {
        byte[] packet = new byte[1 + frame.length];
        packet[0] = (byte) (config << 3); // code 0: one frame
        System.arraycopy(frame, 0, packet, 1, frame.length);
        List<MediaFrame> frames = new ArrayList<>();
        OpusDepacketizer depacketizer = new OpusDepacketizer();
        try {
            new OpusPacketizer().packetize(new MediaFrame(960, true, packet), maxPayload, (m, h, d, o, l) -> {
                try {
                    depacketizer.accept(
                            AudioCorpus.packet(m, sequenceNumber, 960, AudioCorpus.join(h, d, o, l)), frames::add);
                } catch (RtpFormatException e) {
                    throw new AssertionError(e);
                }
            });
        } catch (IllegalArgumentException tooLarge) {
            assertThat(packet.length).isGreaterThan(maxPayload);
            return;
        }
        assertThat(frames).singleElement().satisfies(f -> assertThat(f.data()).isEqualTo(packet));
    }

    @Property(tries = 1000)
    void arbitraryPayloadsOnlyEverRaiseFormatErrors(
            @ForAll @Size(max = 12) List<@Size(max = 64) byte[]> payloads, @ForAll long seed) {
        List<RtpPacket> packets = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            packets.add(AudioCorpus.packet(false, i, i * 960L, payloads.get(i)));
        }
        List<MediaFrame> frames = AudioCorpus.feedDamaged(new OpusDepacketizer(), packets, seed);
        assertThat(frames).allSatisfy(f -> assertThat(f.data()).isNotEmpty());
    }

    @Property(tries = 200)
    void damagedCapturesOnlyEverRaiseFormatErrors(@ForAll long seed) {
        List<RtpPacket> packets = AudioCorpus.packets("/rtp/opus/ffmpeg-opus.packets");
        List<MediaFrame> frames = AudioCorpus.feedDamaged(new OpusDepacketizer(), packets, seed);
        assertThat(frames).allSatisfy(f -> assertThat(f.data()).isNotEmpty());
    }
}
