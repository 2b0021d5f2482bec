package io.kvr.media.rtp.opus;

import static io.kvr.media.rtp.AudioCorpus.packet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.media.rtp.AudioCorpus;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpusTest {

    @Test
    void capturedPacketsGiveThePacketsTheEncoderWrote() {
        List<RtpPacket> packets = AudioCorpus.packets("/rtp/opus/ffmpeg-opus.packets");
        List<MediaFrame> frames = AudioCorpus.depacketize(new OpusDepacketizer(), packets);

        AudioCorpus.assertSameUnits(frames, AudioCorpus.units("/rtp/opus/ffmpeg-opus.framemd5"));
        for (int i = 1; i < frames.size(); i++) {
            assertThat(frames.get(i).timestamp() - frames.get(i - 1).timestamp())
                    .isEqualTo(960); // 20 ms
        }
    }

    @Test
    void framingTheTocForbidsIsRefused() {
        OpusDepacketizer d = new OpusDepacketizer();
        assertRefused(d, new byte[0], "empty");
        assertRefused(d, new byte[] {1, 1, 2, 3}, "two equal"); // code 1, odd remainder
        assertRefused(d, new byte[] {2}, "without a frame length"); // code 2
        assertRefused(d, new byte[] {2, (byte) 252}, "cut frame length");
        assertRefused(d, new byte[] {2, 5, 1}, "first frame of 5");
        assertRefused(d, new byte[] {3}, "without a frame count"); // code 3
        assertRefused(d, new byte[] {3, 0}, "0 frames");
        assertRefused(d, new byte[] {(byte) (31 << 3 | 3), 7}, "7 frames"); // 7 x 20 ms CELT
        assertThat(d.droppedUnits()).isEqualTo(8);
    }

    @Test
    void fortyEightShortFramesAreAllowed() throws Exception {
        OpusDepacketizer d = new OpusDepacketizer();
        d.accept(packet(false, 1, 0, new byte[] {(byte) (16 << 3 | 3), 48}), f -> {}); // 48 x 2.5 ms
        assertThat(d.droppedUnits()).isZero();
    }

    @Test
    void packetizerRefusesWhatDoesNotFit() {
        OpusPacketizer p = new OpusPacketizer();
        assertThatThrownBy(() -> p.packetize(new MediaFrame(0, true, new byte[100]), 99, (m, h, d, o, l) -> {}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.packetize(new MediaFrame(0, true, new byte[0]), 99, (m, h, d, o, l) -> {}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertRefused(OpusDepacketizer d, byte[] payload, String message) {
        assertThatThrownBy(() -> d.accept(packet(false, 1, 0, payload), f -> {
                    throw new AssertionError("handed out");
                }))
                .isInstanceOf(RtpFormatException.class)
                .hasMessageContaining(message);
    }
}
