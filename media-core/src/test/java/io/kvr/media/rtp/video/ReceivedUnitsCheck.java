package io.kvr.media.rtp.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.media.codec.mpeg4.VisualStartCodes;
import io.kvr.media.rtp.Depacketizer;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Feeds a depacketizer whatever arrives and checks what every depacketizer owes its caller: nothing but
 * {@link RtpFormatException} escapes, every unit is in the {@link MediaFrame} form, and the first unit handed out,
 * like the first after a loss or a refused packet, is a keyframe.
 */
final class ReceivedUnitsCheck implements Consumer<MediaFrame> {

    private final Depacketizer depacketizer;
    private final boolean nalUnits;
    private final List<MediaFrame> frames = new ArrayList<>();
    private boolean keyframeDue = true;
    private int refused;

    ReceivedUnitsCheck(Depacketizer depacketizer, boolean nalUnits) {
        this.depacketizer = depacketizer;
        this.nalUnits = nalUnits;
    }

    void lost(int packets) {
        depacketizer.lost(packets);
        keyframeDue |= packets > 0;
    }

    void accept(RtpPacket packet) {
        try {
            depacketizer.accept(packet, this);
        } catch (RtpFormatException e) {
            refused++;
            keyframeDue = true;
        }
    }

    void flush() {
        depacketizer.flush(this);
    }

    @Override
    public void accept(MediaFrame frame) {
        if (keyframeDue) {
            assertThat(frame.keyframe()).as("first unit after a loss").isTrue();
            keyframeDue = false;
        }
        if (nalUnits) {
            assertThat(frame.data().length).isGreaterThan(4);
            assertThat(frame.data()).startsWith(0, 0, 0, 1);
        } else {
            assertThat(frame.keyframe()).isEqualTo(VisualStartCodes.isIntraVop(frame.data()));
        }
        frames.add(frame);
    }

    List<MediaFrame> frames() {
        return frames;
    }

    int refused() {
        return refused;
    }
}
