package io.kvr.media.rtp.g711;

import static io.kvr.media.rtp.AudioCorpus.packet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.media.rtp.AudioCorpus;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class G711Test {

    @ParameterizedTest
    @CsvSource({"ffmpeg-pcmu, 0", "ffmpeg-pcma, 8"})
    void capturedPacketsGiveTheSamplesTheEncoderWrote(String name, int payloadType) {
        List<RtpPacket> packets = AudioCorpus.packets("/rtp/g711/" + name + ".packets");
        List<MediaFrame> frames = AudioCorpus.depacketize(new G711Depacketizer(), packets);

        assertThat(packets).allSatisfy(p -> assertThat(p.payloadType()).isEqualTo(payloadType));
        ByteArrayOutputStream samples = new ByteArrayOutputStream();
        for (int i = 0; i < frames.size(); i++) {
            samples.writeBytes(frames.get(i).data());
            if (i > 0) {
                MediaFrame previous = frames.get(i - 1);
                assertThat(frames.get(i).timestamp() - previous.timestamp()).isEqualTo(previous.data().length);
            }
        }
        // The encoder's units and the packets cut the samples differently: compare the sample stream.
        byte[] all = samples.toByteArray();
        int offset = 0;
        for (AudioCorpus.ReferenceUnit unit : AudioCorpus.units("/rtp/g711/" + name + ".framemd5")) {
            assertThat(AudioCorpus.md5(all, offset, unit.size())).isEqualTo(unit.md5());
            offset += unit.size();
        }
        assertThat(offset).isEqualTo(all.length).isEqualTo(8000);
    }

    @Test
    void packetizerCutsTwentyMillisecondsAndTheOffsetGivesEachTimestamp() {
        byte[] samples = new byte[500];
        List<int[]> cuts = new ArrayList<>();
        new G711Packetizer().packetize(new MediaFrame(0, true, samples), 1400, (m, h, d, o, l) -> {
            assertThat(m).isFalse();
            assertThat(h).isEmpty();
            cuts.add(new int[] {o, l});
        });
        assertThat(cuts).extracting(c -> c[0]).containsExactly(0, 160, 320, 480);
        assertThat(cuts).extracting(c -> c[1]).containsExactly(160, 160, 160, 20);

        cuts.clear();
        new G711Packetizer()
                .packetize(new MediaFrame(0, true, samples), 100, (m, h, d, o, l) -> cuts.add(new int[] {o, l}));
        assertThat(cuts).hasSize(5);
    }

    @Test
    void anEmptyPayloadIsRefused() {
        G711Depacketizer d = new G711Depacketizer();
        assertThatThrownBy(() -> d.accept(packet(false, 1, 0, new byte[0]), f -> {}))
                .isInstanceOf(RtpFormatException.class);
        assertThat(d.droppedUnits()).isEqualTo(1);
    }
}
