package io.kvr.media.rtp.aac;

import static io.kvr.media.rtp.AudioCorpus.packet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.media.codec.aac.AudioSpecificConfig;
import io.kvr.media.rtp.AudioCorpus;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Mpeg4GenericDepacketizerTest {

    private final Mpeg4GenericDepacketizer depacketizer = new Mpeg4GenericDepacketizer(AuHeaderLayout.AAC_HBR, 1024);
    private final List<MediaFrame> frames = new ArrayList<>();

    @ParameterizedTest
    @CsvSource({"ffmpeg-aac, 6, 45", "ffmpeg-aac-fragmented, 98, 48"})
    void capturedPacketsGiveTheUnitsTheEncoderWrote(String name, int packetCount, int unitCount) throws Exception {
        String sdp = new String(
                getClass().getResourceAsStream("/rtp/aac/" + name + ".sdp").readAllBytes());
        String fmtp = sdp.substring(sdp.indexOf("a=fmtp:97 ") + 10).strip();
        Map<String, String> params = new java.util.HashMap<>();
        for (String p : fmtp.split(";")) {
            String[] kv = p.strip().split("=", 2);
            params.put(kv[0], kv[1]);
        }
        AuHeaderLayout layout = AuHeaderLayout.fromFmtp(params);
        int frameLength = AudioSpecificConfig.frameLength(HexFormat.of().parseHex(params.get("config")));
        assertThat(layout).isEqualTo(AuHeaderLayout.AAC_HBR);
        assertThat(frameLength).isEqualTo(1024);

        List<RtpPacket> packets = AudioCorpus.packets("/rtp/aac/" + name + ".packets");
        Mpeg4GenericDepacketizer d = new Mpeg4GenericDepacketizer(layout, frameLength);
        List<MediaFrame> units = AudioCorpus.depacketize(d, packets);

        // FFmpeg aggregates units and does not send the last partial packet: the first 45 of 48 arrive.
        List<AudioCorpus.ReferenceUnit> written = AudioCorpus.units("/rtp/aac/" + name + ".framemd5");
        assertThat(written).hasSize(48);
        AudioCorpus.assertSameUnits(units, written.subList(0, unitCount));
        for (int i = 1; i < units.size(); i++) {
            assertThat(units.get(i).timestamp() - units.get(i - 1).timestamp()).isEqualTo(1024);
        }
        assertThat(d.droppedUnits()).isZero();
        assertThat(packets).hasSize(packetCount);
    }

    @Test
    void severalUnitsInOnePacketGetConsecutiveTimestamps() throws Exception {
        // AU-headers-length 32: two 16-bit headers, sizes 3 and 2 (13-bit size, 3-bit index 0).
        byte[] payload = {0, 32, 0, 3 << 3, 0, 2 << 3, 1, 2, 3, 4, 5};
        depacketizer.accept(packet(true, 1, 0xffff_fc00L, payload), frames::add);

        assertThat(frames).extracting(MediaFrame::timestamp).containsExactly(0xffff_fc00L, 0L);
        assertThat(frames.get(0).data()).containsExactly(1, 2, 3);
        assertThat(frames.get(1).data()).containsExactly(4, 5);
    }

    @Test
    void aacLbrHeadersAreOneByte() throws Exception {
        Mpeg4GenericDepacketizer lbr = new Mpeg4GenericDepacketizer(AuHeaderLayout.AAC_LBR, 1024);
        byte[] payload = {0, 16, 2 << 2, 1 << 2, 7, 8, 9};
        lbr.accept(packet(true, 1, 0, payload), frames::add);

        assertThat(frames).extracting(f -> f.data().length).containsExactly(2, 1);
    }

    @Test
    void aFragmentedUnitIsReassembledAndDroppedWhenAFragmentIsLost() throws Exception {
        byte[] first = {0, 16, 0, 5 << 3, 1, 2, 3};
        byte[] last = {0, 16, 0, 5 << 3, 4, 5};
        depacketizer.accept(packet(false, 1, 100, first), frames::add);
        depacketizer.accept(packet(true, 2, 100, last), frames::add);
        assertThat(frames).singleElement().satisfies(f -> assertThat(f.data()).containsExactly(1, 2, 3, 4, 5));

        frames.clear();
        depacketizer.accept(packet(false, 3, 200, first), frames::add);
        depacketizer.lost(1);
        depacketizer.accept(packet(true, 5, 200, last), frames::add);
        assertThat(frames).isEmpty();
        assertThat(depacketizer.droppedUnits()).isEqualTo(1);
    }

    @Test
    void aMiddleFragmentAfterALossNeverBecomesAUnit() throws Exception {
        depacketizer.lost(1);
        depacketizer.accept(packet(true, 2, 100, new byte[] {0, 16, 0, 5 << 3, 4, 5}), frames::add);
        assertThat(frames).isEmpty();
        assertThat(depacketizer.droppedUnits()).isEqualTo(1);
    }

    @Test
    void badHeaderSectionsAreRefused() {
        assertRefused(new byte[] {0}, "no AU-headers-length");
        assertRefused(new byte[] {0, 0, 1, 2}, "without AU headers");
        assertRefused(new byte[] {0, 64, 0, 8}, "AU header section of 64 bits");
        assertRefused(new byte[] {0, 24, 0, 8, 0, 1}, "ends inside AU header 1");
        assertRefused(new byte[] {0, 32, 0, 3 << 3, 0, 9 << 3, 1, 2, 3, 4}, "in 4 bytes of data");
        assertRefused(new byte[] {0, 16, 0, 1, 7}, "AU-Index 1");
        assertRefused(new byte[] {0, 16, 0, 0, 7}, "AU-size 0");
        assertThat(depacketizer.droppedUnits()).isEqualTo(7);
    }

    @Test
    void fmtpWithFieldsBeyondSizeAndIndexIsRefused() {
        assertThatThrownBy(() -> AuHeaderLayout.fromFmtp(Map.of("sizeLength", "13", "CTSDeltaLength", "2")))
                .isInstanceOf(RtpFormatException.class);
        assertThatThrownBy(() -> AuHeaderLayout.fromFmtp(Map.of("indexlength", "3")))
                .isInstanceOf(RtpFormatException.class);
        assertThatThrownBy(() -> AuHeaderLayout.fromFmtp(Map.of("sizelength", "x")))
                .isInstanceOf(RtpFormatException.class);
    }

    private void assertRefused(byte[] payload, String message) {
        assertThatThrownBy(() -> depacketizer.accept(packet(true, 1, 0, payload), frames::add))
                .isInstanceOf(RtpFormatException.class)
                .hasMessageContaining(message);
        assertThat(frames).isEmpty();
    }
}
