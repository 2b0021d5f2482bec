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

class H265DepacketizerTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final String VPS = "40010c01";
    private static final String SPS = "42010101";
    private static final String PPS = "4401c172";
    /** IDR_W_RADL (19), TID 1. */
    private static final String IDR = "2601af";
    /** TRAIL_R (1), TID 1. */
    private static final String TRAIL = "0201d0";

    private final H265Depacketizer depacketizer = new H265Depacketizer();
    private final List<MediaFrame> frames = new ArrayList<>();

    @Test
    void aggregationPacketGivesEachNalUnit() throws Exception {
        accept(true, 0, 0, "6001" + "0004" + VPS + "0004" + SPS + "0004" + PPS + "0003" + IDR);

        assertThat(frames).singleElement().satisfies(frame -> {
            assertThat(frame.keyframe()).isTrue();
            assertThat(HEX.formatHex(frame.data()))
                    .isEqualTo("00000001" + VPS + "00000001" + SPS + "00000001" + PPS + "00000001" + IDR);
        });
    }

    @Test
    void fragmentsAreJoinedUnderTheRebuiltHeader() throws Exception {
        // payload header type 49, TID 1; FU header S/E and FuType 19: NAL unit header 0x2601
        accept(false, 0, 0, "6201" + "93" + "0102");
        accept(false, 1, 0, "6201" + "13" + "03");
        accept(true, 2, 0, "6201" + "53" + "04");

        assertThat(HEX.formatHex(frames.getFirst().data())).isEqualTo("00000001" + "2601" + "01020304");
        assertThat(frames.getFirst().keyframe()).isTrue();
    }

    @Test
    void everyIrapTypeIsAKeyframeAndNothingElse() throws Exception {
        for (int type = 0; type < 32; type++) {
            accept(true, type, type * 3000L, String.format("%02x01aa", type << 1));
        }

        assertThat(frames).extracting(MediaFrame::keyframe).containsOnly(true, false);
        assertThat(frames.stream().filter(MediaFrame::keyframe).count()).isEqualTo(8);
        assertThat(frames.getFirst().timestamp()).isEqualTo(16 * 3000L);
    }

    @Test
    void lossDropsUnitsUntilTheNextIrap() throws Exception {
        accept(true, 0, 0, IDR);
        depacketizer.lost(2);
        accept(true, 3, 6000, TRAIL);
        accept(true, 4, 9000, IDR);

        assertThat(frames).extracting(MediaFrame::timestamp).containsExactly(0L, 9000L);
        assertThat(depacketizer.droppedUnits()).isEqualTo(1);
    }

    @Test
    void paciIsRefused() {
        assertThatThrownBy(() -> accept(true, 0, 0, "6401" + "0000" + IDR))
                .isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("PACI");
    }

    @Test
    void aZeroTemporalIdIsRefused() {
        assertThatThrownBy(() -> accept(true, 0, 0, "2600af")).isInstanceOf(RtpFormatException.class);
    }

    @Test
    void decodingOrderNumbersAreRefused() throws Exception {
        assertThatThrownBy(() -> H265Depacketizer.forMaxDonDiff(2, List.of()))
                .isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("DONL");
        assertThat(H265Depacketizer.forMaxDonDiff(0, List.of())).isNotNull();
    }

    @Test
    void outOfBandParameterSetsPrecedeTheFirstKeyframe() throws Exception {
        H265Depacketizer withSdp =
                new H265Depacketizer(List.of(HEX.parseHex(VPS), HEX.parseHex(SPS), HEX.parseHex(PPS)));
        withSdp.accept(packet(true, 0, 0, HEX.parseHex(IDR)), frames::add);

        assertThat(HEX.formatHex(frames.getFirst().data()))
                .isEqualTo("00000001" + VPS + "00000001" + SPS + "00000001" + PPS + "00000001" + IDR);
    }

    private void accept(boolean marker, int sequenceNumber, long timestamp, String payload) throws RtpFormatException {
        depacketizer.accept(packet(marker, sequenceNumber, timestamp, HEX.parseHex(payload)), frames::add);
    }
}
