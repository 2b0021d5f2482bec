package io.kvr.media.rtp.latm;

import static io.kvr.media.rtp.AudioCorpus.packet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.media.codec.AudioFormat;
import io.kvr.media.codec.aac.AudioSpecificConfig;
import io.kvr.media.rtp.AudioCorpus;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LatmDepacketizerTest {

    /** What FFmpeg's SDP gives for 48 kHz stereo AAC-LC. */
    private static final String FFMPEG_CONFIG = "400023203fc0";

    private final List<MediaFrame> frames = new ArrayList<>();

    private static LatmDepacketizer depacketizer(int numSubFrames) {
        return new LatmDepacketizer(
                new StreamMuxConfig(
                        numSubFrames, AudioFormat.fromAudioSpecificConfig(AudioSpecificConfig.lowComplexity(48000, 2))),
                1024);
    }

    @ParameterizedTest
    @CsvSource({"ffmpeg-latm, 48", "ffmpeg-latm-fragmented, 97"})
    void capturedPacketsGiveTheUnitsTheEncoderWrote(String name, int packetCount) throws Exception {
        String sdp = new String(
                getClass().getResourceAsStream("/rtp/latm/" + name + ".sdp").readAllBytes());
        String config = sdp.substring(sdp.indexOf("config=") + 7).strip();
        StreamMuxConfig muxConfig = StreamMuxConfig.fromHex(config);
        List<RtpPacket> packets = AudioCorpus.packets("/rtp/latm/" + name + ".packets");
        LatmDepacketizer depacketizer = new LatmDepacketizer(muxConfig, muxConfig.frameLength());

        List<MediaFrame> units = AudioCorpus.depacketize(depacketizer, packets);

        assertThat(packets).hasSize(packetCount);
        AudioCorpus.assertSameUnits(units, AudioCorpus.units("/rtp/latm/" + name + ".framemd5"));
        assertThat(depacketizer.droppedUnits()).isZero();
    }

    @Test
    void streamMuxConfigGivesTheAudioSpecificConfigInside() throws Exception {
        StreamMuxConfig config = StreamMuxConfig.fromHex(FFMPEG_CONFIG);

        assertThat(config.numSubFrames()).isZero();
        assertThat(config.audioFormat().sampleRate()).isEqualTo(48000);
        assertThat(config.audioFormat().channels()).isEqualTo(2);
        assertThat(config.audioFormat().audioSpecificConfig()).containsExactly(0x11, 0x90);
        assertThat(config.frameLength()).isEqualTo(1024);
        assertThat(config.toHex()).isEqualTo(FFMPEG_CONFIG);
        assertThat(StreamMuxConfig.of(config.audioFormat())).isEqualTo(config);
    }

    @Test
    void streamMuxConfigsItCannotReadAreRefused() {
        assertThatThrownBy(() -> StreamMuxConfig.fromHex("zz")).isInstanceOf(RtpFormatException.class);
        assertThatThrownBy(() -> StreamMuxConfig.fromHex("40")).isInstanceOf(RtpFormatException.class);
        // numProgram 1
        assertThatThrownBy(() -> StreamMuxConfig.fromHex("4010232000"))
                .isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("2 programs");
        // allStreamsSameTimeFraming 0
        assertThatThrownBy(() -> StreamMuxConfig.fromHex("000023203fc0")).isInstanceOf(RtpFormatException.class);
    }

    @Test
    void lengthRunsOf0xffAddUp() throws Exception {
        LatmDepacketizer d = depacketizer(0);
        byte[] payload = new byte[2 + 300];
        payload[0] = (byte) 0xff;
        payload[1] = 45;
        payload[301] = 7;
        d.accept(packet(true, 1, 0, payload), frames::add);

        assertThat(frames).singleElement().satisfies(f -> {
            assertThat(f.data()).hasSize(300);
            assertThat(f.data()[299]).isEqualTo((byte) 7);
        });
    }

    @Test
    void severalSubframesGetConsecutiveTimestamps() throws Exception {
        LatmDepacketizer d = depacketizer(1);
        d.accept(packet(true, 1, 0xffff_fc00L, new byte[] {2, 1, 2, 1, 3}), frames::add);

        assertThat(frames).extracting(MediaFrame::timestamp).containsExactly(0xffff_fc00L, 0L);
        assertThatThrownBy(() -> d.accept(packet(true, 2, 0, new byte[] {1, 9}), frames::add))
                .isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("not a multiple of 2");
    }

    @Test
    void anElementIsReassembledUpToTheMarkerAndDroppedWhenAFragmentIsLost() throws Exception {
        LatmDepacketizer d = depacketizer(0);
        d.accept(packet(false, 1, 100, new byte[] {4, 1, 2}), frames::add);
        d.accept(packet(true, 2, 100, new byte[] {3, 4}), frames::add);
        assertThat(frames).singleElement().satisfies(f -> assertThat(f.data()).containsExactly(1, 2, 3, 4));

        frames.clear();
        d.accept(packet(false, 3, 200, new byte[] {4, 1, 2}), frames::add);
        d.lost(1);
        d.accept(packet(true, 5, 200, new byte[] {4}), frames::add);
        d.accept(packet(true, 6, 300, new byte[] {1, 9}), frames::add);
        assertThat(frames).singleElement().satisfies(f -> assertThat(f.data()).containsExactly(9));
        assertThat(d.droppedUnits()).isEqualTo(1);
    }

    @Test
    void lengthsRunningPastTheElementAreRefused() {
        LatmDepacketizer d = depacketizer(0);
        assertThatThrownBy(() -> d.accept(packet(true, 1, 0, new byte[] {(byte) 0xff, (byte) 0xff}), frames::add))
                .isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("runs past");
        assertThatThrownBy(() -> d.accept(packet(true, 2, 0, new byte[] {5, 1, 2}), frames::add))
                .isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("PayloadMux of 5 bytes");
        assertThatThrownBy(() -> d.accept(packet(true, 3, 0, new byte[0]), frames::add))
                .isInstanceOf(RtpFormatException.class);
        assertThat(frames).isEmpty();
        assertThat(d.droppedUnits()).isEqualTo(3);
    }
}
