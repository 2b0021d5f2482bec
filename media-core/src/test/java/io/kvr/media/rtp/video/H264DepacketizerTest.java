package io.kvr.media.rtp.video;

import static io.kvr.media.rtp.video.RtpLoopback.packet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.RtpFormatException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class H264DepacketizerTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final String SPS = "6742c01e";
    private static final String PPS = "68ce3c80";

    private final H264Depacketizer depacketizer = new H264Depacketizer();
    private final List<MediaFrame> frames = new ArrayList<>();

    @Test
    void singleNalUnitPacketsMakeOneUnitUpToTheMarker() throws Exception {
        accept(false, 0, 3000, SPS);
        accept(false, 1, 3000, PPS);
        accept(true, 2, 3000, "6588aa");

        assertThat(frames).singleElement().satisfies(frame -> {
            assertThat(frame.timestamp()).isEqualTo(3000);
            assertThat(frame.keyframe()).isTrue();
            assertThat(HEX.formatHex(frame.data()))
                    .isEqualTo("00000001" + SPS + "00000001" + PPS + "00000001" + "6588aa");
        });
    }

    @Test
    void stapAGivesEachAggregatedNalUnit() throws Exception {
        accept(true, 0, 0, "18" + "0004" + SPS + "0004" + PPS + "0003" + "6588aa");

        assertThat(HEX.formatHex(frames.getFirst().data()))
                .isEqualTo("00000001" + SPS + "00000001" + PPS + "00000001" + "6588aa");
    }

    @Test
    void fuAFragmentsAreJoinedUnderTheRebuiltHeader() throws Exception {
        // FU indicator NRI 3, type 28; FU header S/E bits and type 5: the NAL unit header is 0x65
        accept(false, 0, 0, "7c85" + "0102");
        accept(false, 1, 0, "7c05" + "0304");
        accept(true, 2, 0, "7c45" + "05");

        assertThat(HEX.formatHex(frames.getFirst().data())).isEqualTo("00000001" + "65" + "0102030405");
        assertThat(frames.getFirst().keyframe()).isTrue();
    }

    @Test
    void aTimestampChangeEndsAUnitWhoseMarkerTheSenderOmitted() throws Exception {
        accept(false, 0, 0, "6588");
        accept(false, 1, 3000, "4188");

        assertThat(frames).extracting(MediaFrame::timestamp).containsExactly(0L);
        depacketizer.flush(frames::add);
        assertThat(frames).extracting(MediaFrame::timestamp).containsExactly(0L, 3000L);
    }

    @Test
    void unitsBeforeTheFirstIdrAreDroppedAndCounted() throws Exception {
        accept(true, 0, 0, "4188");
        accept(true, 1, 3000, "4188");
        accept(true, 2, 6000, "6588");

        assertThat(frames).extracting(MediaFrame::timestamp).containsExactly(6000L);
        assertThat(depacketizer.droppedUnits()).isEqualTo(2);
    }

    @Test
    void aLostMiddleFragmentDropsTheUnitAndWaitsForTheNextIdr() throws Exception {
        accept(true, 0, 0, "6588");
        accept(false, 1, 3000, "7c81" + "01");
        depacketizer.lost(1);
        accept(true, 3, 3000, "7c41" + "03");
        accept(true, 4, 6000, "4188");
        accept(true, 5, 9000, "6588");

        assertThat(frames).extracting(MediaFrame::timestamp).containsExactly(0L, 9000L);
        assertThat(depacketizer.droppedUnits()).isEqualTo(2);
    }

    @Test
    void aFragmentWithoutItsStartIsRefusedAndItsUnitDropped() throws Exception {
        accept(true, 0, 0, "6588");

        assertThatThrownBy(() -> accept(false, 1, 3000, "7c01" + "02"))
                .isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("start");
        accept(true, 2, 3000, "7c41" + "03");
        accept(true, 3, 6000, "6588");

        assertThat(frames).extracting(MediaFrame::timestamp).containsExactly(0L, 6000L);
        assertThat(depacketizer.droppedUnits()).isEqualTo(1);
    }

    @Test
    void aFragmentedNalUnitWithoutItsEndDropsTheUnit() throws Exception {
        accept(false, 0, 0, "7c85" + "01");
        accept(true, 1, 0, "7c05" + "02");

        assertThat(frames).isEmpty();
        assertThat(depacketizer.droppedUnits()).isEqualTo(1);
    }

    @ParameterizedTest(name = "type {0}")
    @ValueSource(strings = {"19", "1a", "1b", "1d"})
    void interleavedModePacketsAreRefused(String type) {
        assertThatThrownBy(() -> accept(true, 0, 0, type + "000265880000"))
                .isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("interleaved");
    }

    @Test
    void aTruncatedStapAIsRefused() {
        assertThatThrownBy(() -> accept(true, 0, 0, "18" + "0009" + SPS))
                .isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("aggregated NAL unit of 9 bytes");
        assertThat(depacketizer.droppedUnits()).isEqualTo(1);
    }

    @Test
    void reservedTypesAreIgnored() throws Exception {
        accept(false, 0, 0, "1e0102");
        accept(true, 1, 0, "6588");

        assertThat(HEX.formatHex(frames.getFirst().data())).isEqualTo("00000001" + "6588");
    }

    @Test
    void outOfBandParameterSetsPrecedeTheFirstKeyframeAfterItsDelimiter() throws Exception {
        H264Depacketizer withSdp = new H264Depacketizer(List.of(HEX.parseHex(SPS), HEX.parseHex(PPS)));
        withSdp.accept(packet(false, 0, 0, HEX.parseHex("0910")), frames::add);
        withSdp.accept(packet(true, 1, 0, HEX.parseHex("6588")), frames::add);
        withSdp.accept(packet(true, 2, 3000, HEX.parseHex("6588")), frames::add);

        assertThat(frames)
                .extracting(f -> HEX.formatHex(f.data()))
                .containsExactly(
                        "00000001" + "0910" + "00000001" + SPS + "00000001" + PPS + "00000001" + "6588",
                        "00000001" + "6588");
    }

    @Test
    void inBandParameterSetsAreNotRepeated() throws Exception {
        H264Depacketizer withSdp = new H264Depacketizer(List.of(HEX.parseHex(SPS), HEX.parseHex(PPS)));
        withSdp.accept(packet(true, 0, 0, HEX.parseHex("18" + "0004" + SPS + "0002" + "6588")), frames::add);

        assertThat(HEX.formatHex(frames.getFirst().data()))
                .isEqualTo("00000001" + PPS + "00000001" + SPS + "00000001" + "6588");
    }

    @Test
    void aSliceIsNoParameterSet() {
        assertThatThrownBy(() -> new H264Depacketizer(List.of(HEX.parseHex("6588"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private void accept(boolean marker, int sequenceNumber, long timestamp, String payload) throws RtpFormatException {
        depacketizer.accept(packet(marker, sequenceNumber, timestamp, HEX.parseHex(payload)), frames::add);
    }
}
