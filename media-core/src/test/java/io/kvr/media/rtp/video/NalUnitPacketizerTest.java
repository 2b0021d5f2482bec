package io.kvr.media.rtp.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.Packetizer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class NalUnitPacketizerTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void h264NalUnitsThatFitAreSentWholeAndLargerOnesAsFuA() {
        List<String> payloads =
                payloads(new H264Packetizer(), "00000001" + "6742c0" + "00000001" + "65" + "0102030405", 4);

        // FU indicator keeps F and NRI (0x60) with type 28; the FU header has S/E and type 5
        assertThat(payloads).containsExactly("false 6742c0", "false 7c85 0102", "false 7c05 0304", "true 7c45 05");
    }

    @Test
    void h265LargeNalUnitsAreSentAsFusUnderThePayloadHeader() {
        List<String> payloads = payloads(new H265Packetizer(), "00000001" + "2601" + "0102030405", 5);

        assertThat(payloads).containsExactly("false 6201 93 0102", "false 6201 13 0304", "true 6201 53 05");
    }

    @Test
    void tooSmallAPayloadIsRefused() {
        MediaFrame frame = new MediaFrame(0, true, HEX.parseHex("00000001" + "6588"));

        assertThatThrownBy(() -> new H264Packetizer().packetize(frame, 2, (m, h, d, o, l) -> {}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new H264Packetizer()
                        .packetize(
                                new MediaFrame(0, true, HEX.parseHex("00000002" + "6588")),
                                1500,
                                (m, h, d, o, l) -> {}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mpeg4UnitsAreCutBeforeAStartCodeWhenOneLeavesThePacketHalfFull() {
        List<String> payloads = payloads(new Mpeg4VisualPacketizer(), "000001b001" + "000001b6" + "10aabbccdd", 8);

        assertThat(payloads).containsExactly("false 000001b001", "false 000001b610aabbcc", "true dd");
    }

    private static List<String> payloads(Packetizer packetizer, String unit, int maxPayload) {
        List<String> payloads = new ArrayList<>();
        packetizer.packetize(new MediaFrame(0, true, HEX.parseHex(unit)), maxPayload, (marker, header, data, o, l) -> {
            String slice = HEX.formatHex(data, o, o + l);
            payloads.add(marker + " " + (header.length == 0 ? slice : h265Split(header) + " " + slice));
        });
        return payloads;
    }

    /** FU headers shown as payload header, then FU header: "6201 93" for H.265, "7c85" for H.264. */
    private static String h265Split(byte[] header) {
        String hex = HEX.formatHex(header);
        return header.length == 3 ? hex.substring(0, 4) + " " + hex.substring(4) : hex;
    }
}
