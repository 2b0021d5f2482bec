package io.kvr.media.rtp.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.media.codec.AnnexB;
import io.kvr.media.codec.NalUnit;
import io.kvr.media.codec.VideoCodec;
import io.kvr.media.codec.mpeg4.VisualStartCodes;
import io.kvr.media.rtp.Depacketizer;
import io.kvr.media.rtp.MediaFrame;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Packets captured from FFmpeg and GStreamer senders come back as exactly the elementary stream the same command
 * wrote, unit by unit.
 */
class CapturedRtpTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "/rtp/h264/ffmpeg-openh264, h264, H264, 50, 2",
        "/rtp/h264/gstreamer-x264, h264, H264, 30, 2",
        "/rtp/h265/gstreamer-x265, h265, H265, 50, 2",
    })
    void nalUnitsComeBackAsTheSenderEncodedThem(
            String capture, String extension, VideoCodec codec, int units, int keyframes) throws Exception {
        Depacketizer depacketizer = codec == VideoCodec.H264 ? new H264Depacketizer() : new H265Depacketizer();

        List<MediaFrame> frames = RtpLoopback.receive(
                depacketizer, RtpCapture.load(capture + ".rtp").packets());

        assertThat(frames).hasSize(units);
        assertThat(frames).filteredOn(MediaFrame::keyframe).hasSize(keyframes);
        assertThat(frames.getFirst().keyframe()).isTrue();
        assertThat(depacketizer.droppedUnits()).isZero();
        List<String> received = new ArrayList<>();
        for (MediaFrame frame : frames) {
            assertThat(frame.data()).startsWith(0, 0, 0, 1);
            boolean randomAccess = false;
            for (NalUnit nal : AnnexB.split(frame.data())) {
                received.add(hex(nal));
                randomAccess |= codec.isRandomAccessSlice(nal.type(codec));
            }
            assertThat(frame.keyframe()).isEqualTo(randomAccess);
        }
        List<String> encoded = AnnexB.split(RtpCapture.resource(capture + "." + extension)).stream()
                .map(CapturedRtpTest::hex)
                .toList();
        assertThat(received).isEqualTo(encoded);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource("/rtp/mpeg4/ffmpeg-mpeg4, 50, 2")
    void mpeg4UnitsComeBackAsTheSenderEncodedThem(String capture, int units, int keyframes) throws Exception {
        Mpeg4VisualDepacketizer depacketizer = new Mpeg4VisualDepacketizer();

        List<MediaFrame> frames = RtpLoopback.receive(
                depacketizer, RtpCapture.load(capture + ".rtp").packets());

        assertThat(frames).hasSize(units);
        assertThat(frames).filteredOn(MediaFrame::keyframe).hasSize(keyframes);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (MediaFrame frame : frames) {
            assertThat(frame.keyframe()).isEqualTo(VisualStartCodes.isIntraVop(frame.data()));
            joined.writeBytes(frame.data());
        }
        assertThat(joined.toByteArray()).isEqualTo(RtpCapture.resource(capture + ".m4v"));
    }

    private static String hex(NalUnit nal) {
        return java.util.HexFormat.of().formatHex(nal.toByteArray());
    }
}
