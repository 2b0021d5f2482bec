package io.kvr.media.rtp.video;

import static io.kvr.media.rtp.video.RtpLoopback.packet;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.RtpFormatException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class Mpeg4VisualDepacketizerTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final String CONFIG = "000001b001" + "00000100" + "0000012000c4";
    /** vop_coding_type 00 in the top bits after the start code. */
    private static final String I_VOP = "000001b6" + "10aa";

    private static final String P_VOP = "000001b6" + "50bb";

    private final List<MediaFrame> frames = new ArrayList<>();

    @Test
    void payloadsAreJoinedUpToTheMarker() throws Exception {
        Mpeg4VisualDepacketizer depacketizer = new Mpeg4VisualDepacketizer();
        depacketizer.accept(packet(false, 0, 0, HEX.parseHex(CONFIG)), frames::add);
        depacketizer.accept(packet(true, 1, 0, HEX.parseHex(I_VOP)), frames::add);
        depacketizer.accept(packet(true, 2, 3000, HEX.parseHex(P_VOP)), frames::add);

        assertThat(frames).extracting(f -> HEX.formatHex(f.data())).containsExactly(CONFIG + I_VOP, P_VOP);
        assertThat(frames).extracting(MediaFrame::keyframe).containsExactly(true, false);
    }

    @Test
    void lossDropsUnitsUntilTheNextIVop() throws Exception {
        Mpeg4VisualDepacketizer depacketizer = new Mpeg4VisualDepacketizer();
        depacketizer.accept(packet(true, 0, 0, HEX.parseHex(I_VOP)), frames::add);
        depacketizer.accept(packet(false, 1, 3000, HEX.parseHex(P_VOP)), frames::add);
        depacketizer.lost(1);
        depacketizer.accept(packet(true, 3, 6000, HEX.parseHex(P_VOP)), frames::add);
        depacketizer.accept(packet(true, 4, 9000, HEX.parseHex(I_VOP)), frames::add);

        assertThat(frames).extracting(MediaFrame::timestamp).containsExactly(0L, 9000L);
        assertThat(depacketizer.droppedUnits()).isEqualTo(2);
    }

    @Test
    void theSdpConfigurationPrecedesAFirstKeyframeWithoutOne() throws RtpFormatException {
        Mpeg4VisualDepacketizer depacketizer = new Mpeg4VisualDepacketizer(HEX.parseHex(CONFIG));
        depacketizer.accept(packet(true, 0, 0, HEX.parseHex(I_VOP)), frames::add);
        depacketizer.accept(packet(true, 1, 3000, HEX.parseHex(I_VOP)), frames::add);

        assertThat(frames).extracting(f -> HEX.formatHex(f.data())).containsExactly(CONFIG + I_VOP, I_VOP);
    }
}
