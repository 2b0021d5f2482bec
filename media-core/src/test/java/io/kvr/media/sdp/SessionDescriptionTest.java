package io.kvr.media.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.media.codec.VideoCodec;
import io.kvr.media.codec.VideoFormat;
import io.kvr.media.rtp.RtpFormatException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class SessionDescriptionTest {

    static final List<String> FIXTURES = SdpFixtures.NAMES;

    private static SessionDescription fixture(String name) throws RtpFormatException {
        byte[] data = SdpFixtures.bytes(name);
        return SessionDescription.parse(data, 0, data.length);
    }

    private static List<PayloadFormat> formats(SessionDescription sdp) throws RtpFormatException {
        List<PayloadFormat> formats = new java.util.ArrayList<>();
        for (MediaDescription m : sdp.media()) {
            formats.add(PayloadFormat.of(m));
        }
        return formats;
    }

    @Test
    void ffmpegH264AndAac() throws RtpFormatException {
        SessionDescription sdp = fixture("ffmpeg-h264-aac.sdp");

        assertThat(sdp.origin()).isEqualTo("- 0 0 IN IP4 127.0.0.1");
        assertThat(sdp.sessionName()).isEqualTo("No Name");
        assertThat(sdp.attribute("tool")).contains("libavformat 61.7.100");
        assertThat(sdp.media()).extracting(MediaDescription::media).containsExactly("video", "audio");
        assertThat(sdp.media().get(0).port()).isEqualTo(47004);
        assertThat(sdp.media().get(0).connection()).contains("IN IP4 127.0.0.1");
        assertThat(sdp.media().get(1).applicationBandwidth()).contains(128L);

        List<PayloadFormat> formats = formats(sdp);
        H264PayloadFormat video = (H264PayloadFormat) formats.get(0);
        assertThat(video.payloadType()).isEqualTo(96);
        assertThat(video.packetizationMode()).isEqualTo(1);
        assertThat(video.profileLevelId()).isEqualTo(0x42c01e);
        VideoFormat format = video.format().orElseThrow();
        assertThat(format.codec()).isEqualTo(VideoCodec.H264);
        assertThat(format.width()).isEqualTo(640);
        assertThat(format.height()).isEqualTo(360);
        assertThat(format.codecsString()).isEqualTo("avc1.42c01e");

        AacPayloadFormat audio = (AacPayloadFormat) formats.get(1);
        assertThat(audio.payloadType()).isEqualTo(97);
        assertThat(audio.clockRate()).isEqualTo(48000);
        assertThat(audio.format().audioObjectType()).isEqualTo(2);
        assertThat(audio.format().sampleRate()).isEqualTo(48000);
        assertThat(audio.format().channels()).isEqualTo(2);
        assertThat(audio.mode()).isEqualTo("AAC-hbr");
        assertThat(List.of(audio.sizeLength(), audio.indexLength(), audio.indexDeltaLength()))
                .containsExactly(13, 3, 3);
    }

    @Test
    void ffmpegMpeg4PartTwoAndStaticPcmu() throws RtpFormatException {
        SessionDescription sdp = fixture("ffmpeg-mpeg4-pcmu.sdp");
        List<PayloadFormat> formats = formats(sdp);

        Mpeg4VisualPayloadFormat video = (Mpeg4VisualPayloadFormat) formats.get(0);
        assertThat(video.clockRate()).isEqualTo(90000);
        assertThat(video.profileLevelId()).isEqualTo(1);
        assertThat(video.format().orElseThrow().width()).isEqualTo(320);
        assertThat(video.format().orElseThrow().height()).isEqualTo(240);

        // m=audio ... 0 with no rtpmap: RFC 3551's static PCMU/8000.
        assertThat(sdp.media().get(1).attributes()).isEmpty();
        assertThat(formats.get(1)).isEqualTo(new G711PayloadFormat(0, true, 8000, 1));
    }

    @Test
    void ffmpegAudioOnly() throws RtpFormatException {
        assertThat(formats(fixture("ffmpeg-pcma.sdp"))).containsExactly(G711PayloadFormat.telephony(false));
        assertThat(formats(fixture("ffmpeg-opus.sdp"))).containsExactly(new OpusPayloadFormat(97, true));

        LatmPayloadFormat latm =
                (LatmPayloadFormat) formats(fixture("ffmpeg-latm.sdp")).getFirst();
        assertThat(latm.clockRate()).isEqualTo(44100);
        assertThat(latm.channels()).isEqualTo(1);
        assertThat(latm.muxConfigPresent()).isFalse();
        assertThat(latm.streamMuxConfig()).containsExactly(0x40, 0x00, 0x24, 0x10, 0x3f, 0xc0);
    }

    @Test
    void gstreamerH264AndAacWithRelativeControls() throws RtpFormatException {
        SessionDescription sdp = fixture("gst-h264aac.sdp");
        String base = "rtsp://127.0.0.1:34651/h264aac/";

        assertThat(sdp.control()).contains("*");
        assertThat(sdp.range()).contains("npt=now-");
        assertThat(sdp.controlUrl(base)).isEqualTo(base);
        assertThat(sdp.media())
                .extracting(m -> m.controlUrl(base))
                .containsExactly(base + "stream=0", base + "stream=1");
        assertThat(sdp.direction(sdp.media().getFirst())).isEqualTo(Direction.SENDRECV);

        List<PayloadFormat> formats = formats(sdp);
        H264PayloadFormat video = (H264PayloadFormat) formats.get(0);
        assertThat(video.format().orElseThrow().width()).isEqualTo(640);
        assertThat(video.format().orElseThrow().height()).isEqualTo(360);
        AacPayloadFormat audio = (AacPayloadFormat) formats.get(1);
        assertThat(audio.format().sampleRate()).isEqualTo(48000);
        assertThat(audio.format().channels()).isEqualTo(1);
    }

    @Test
    void gstreamerH265() throws RtpFormatException {
        H265PayloadFormat video =
                (H265PayloadFormat) formats(fixture("gst-h265aac.sdp")).getFirst();

        VideoFormat format = video.format().orElseThrow();
        assertThat(format.codec()).isEqualTo(VideoCodec.H265);
        assertThat(format.vps()).hasSize(1);
        assertThat(format.width()).isEqualTo(640);
        assertThat(format.height()).isEqualTo(360);
        assertThat(video.maxDonDiff()).isZero();
    }

    @Test
    void gstreamerPcmuOpusAndMpeg4() throws RtpFormatException {
        assertThat(formats(fixture("gst-h264pcmu.sdp")).get(1)).isEqualTo(G711PayloadFormat.telephony(true));
        assertThat(formats(fixture("gst-h264opus.sdp")).get(1)).isEqualTo(new OpusPayloadFormat(98, false));
        Mpeg4VisualPayloadFormat mpeg4 =
                (Mpeg4VisualPayloadFormat) formats(fixture("gst-mpeg4.sdp")).getFirst();
        assertThat(mpeg4.format().orElseThrow().width()).isEqualTo(640);
        assertThat(mpeg4.format().orElseThrow().height()).isEqualTo(360);
    }

    @Test
    void hikvisionStyleAbsoluteControlsAndStaticPcma() throws RtpFormatException {
        SessionDescription sdp = fixture("camera-hikvision-style.sdp");
        String base = "rtsp://192.168.1.64:554/Streaming/Channels/101/";

        assertThat(sdp.applicationBandwidth()).contains(5100L);
        assertThat(sdp.media())
                .extracting(m -> m.controlUrl(base))
                .containsExactly(
                        "rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=1?transportmode=unicast",
                        "rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=2?transportmode=unicast");
        assertThat(sdp.direction(sdp.media().getFirst())).isEqualTo(Direction.RECVONLY);
        assertThat(sdp.media().get(1).attribute("media_header")).isPresent();

        List<PayloadFormat> formats = formats(sdp);
        H264PayloadFormat video = (H264PayloadFormat) formats.get(0);
        assertThat(video.profileLevelId()).isEqualTo(0x4d4028);
        assertThat(video.format().orElseThrow().width()).isEqualTo(1920);
        assertThat(video.format().orElseThrow().height()).isEqualTo(1080);
        assertThat(formats.get(1)).isEqualTo(G711PayloadFormat.telephony(false));
    }

    @Test
    void axisStyleSpacedMixedCaseParametersAndMetadata() throws RtpFormatException {
        SessionDescription sdp = fixture("camera-axis-style.sdp");

        assertThat(sdp.controlUrl("rtsp://192.168.0.90:554/axis-media/media.amp"))
                .isEqualTo("rtsp://192.168.0.90:554/axis-media/media.amp?videocodec=h264&audio=1");
        List<PayloadFormat> formats = formats(sdp);
        H264PayloadFormat video = (H264PayloadFormat) formats.get(0);
        assertThat(video.format().orElseThrow().width()).isEqualTo(1280);
        assertThat(video.format().orElseThrow().height()).isEqualTo(720);
        assertThat(video.format().orElseThrow().codecsString()).isEqualTo("avc1.64001f");

        AacPayloadFormat audio = (AacPayloadFormat) formats.get(1);
        assertThat(audio.clockRate()).isEqualTo(16000);
        assertThat(audio.format().sampleRate()).isEqualTo(16000);
        assertThat(audio.format().channels()).isEqualTo(1);
        assertThat(List.of(audio.sizeLength(), audio.indexLength(), audio.indexDeltaLength()))
                .containsExactly(13, 3, 3);
        assertThat(sdp.media().get(1).formatParameters(97).get("BITRATE")).contains("32000");

        OtherPayloadFormat metadata = (OtherPayloadFormat) formats.get(2);
        assertThat(metadata.media()).isEqualTo("application");
        assertThat(metadata.rtpMap().encoding()).isEqualTo("vnd.onvif.metadata");
    }

    @Test
    void dahuaStyleLineFeedsAndH265() throws RtpFormatException {
        SessionDescription sdp = fixture("camera-dahua-style.sdp");
        String base = "rtsp://192.168.1.108:554/cam/realmonitor?channel=1&subtype=0/";

        assertThat(sdp.connection()).contains("IN IP4 0.0.0.0");
        assertThat(sdp.media())
                .extracting(m -> m.controlUrl(base))
                .containsExactly(base + "trackID=0", base + "trackID=1", base + "trackID=4");
        List<PayloadFormat> formats = formats(sdp);
        H265PayloadFormat video = (H265PayloadFormat) formats.get(0);
        assertThat(video.format().orElseThrow().width()).isEqualTo(2560);
        assertThat(video.format().orElseThrow().height()).isEqualTo(1440);
        AacPayloadFormat audio = (AacPayloadFormat) formats.get(1);
        assertThat(audio.format().sampleRate()).isEqualTo(16000);
        assertThat(audio.rtpMap().channels()).isEqualTo(1);
    }

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void everyFixtureWritesAndParsesBackEqual(String name) throws RtpFormatException {
        SessionDescription sdp = fixture(name);

        assertThat(SessionDescription.parse(sdp.format())).isEqualTo(sdp);
        assertThat(formats(SessionDescription.parse(sdp.format()))).isEqualTo(formats(sdp));
    }

    @Test
    void refusesWhatIsNotASessionDescription() {
        assertThatThrownBy(() -> SessionDescription.parse("RTSP/1.0 200 OK\r\n"))
                .isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("not a session description");
        assertThatThrownBy(() -> SessionDescription.parse("")).isInstanceOf(RtpFormatException.class);
        assertThatThrownBy(() -> SessionDescription.parse("v=1\r\n")).isInstanceOf(RtpFormatException.class);
    }

    @Test
    void refusesInputOverTheLimits() {
        String tooLarge = "v=0\r\n" + "a=x:y\r\n".repeat(SessionDescription.MAX_SIZE / 7 + 1);
        assertThatThrownBy(() -> SessionDescription.parse(tooLarge)).hasMessageContaining("over");
        byte[] tooLargeBytes = tooLarge.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SessionDescription.parse(tooLargeBytes, 0, tooLargeBytes.length))
                .isInstanceOf(RtpFormatException.class);

        String longLine = "v=0\r\na=x:" + "y".repeat(SessionDescription.MAX_LINE_LENGTH) + "\r\n";
        assertThatThrownBy(() -> SessionDescription.parse(longLine))
                .isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("line");

        String manyMedia = "v=0\r\n" + "m=audio 0 RTP/AVP 0\r\n".repeat(SessionDescription.MAX_MEDIA_SECTIONS + 1);
        assertThatThrownBy(() -> SessionDescription.parse(manyMedia))
                .isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("media sections");
        assertThatThrownBy(() -> SessionDescription.parse("v=0\r\nm=video x RTP/AVP 96\r\n"))
                .isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("port");
    }

    @Test
    void keepsGoingPastUnknownAndMalformedLines() throws RtpFormatException {
        SessionDescription sdp = SessionDescription.parse("v=0\n\n  o=- 1 1 IN IP4 1.2.3.4  \ngarbage\nx=unknown\n"
                + "b=AS:lots\na=bad name:1\na=sendonly\nm=video 0/2 RTP/AVP 96\na=rtpmap:96 H264/90000\n");

        assertThat(sdp.origin()).isEqualTo("- 1 1 IN IP4 1.2.3.4");
        assertThat(SessionDescription.parse("\uFEFFv=0\r\ns=x\r\n").sessionName())
                .isEqualTo("x");
        assertThat(sdp.timing()).isEqualTo(SessionDescription.UNBOUNDED);
        assertThat(sdp.bandwidths()).isEmpty();
        assertThat(sdp.attributes()).containsExactly(new Attribute("sendonly", ""));
        assertThat(sdp.direction(sdp.media().getFirst())).isEqualTo(Direction.SENDONLY);
        assertThat(PayloadFormat.of(sdp.media().getFirst()))
                .isEqualTo(new H264PayloadFormat(96, 0, -1, Optional.empty()));
    }

    @Test
    void toleratesMalformedProfileLevelIds() throws RtpFormatException {
        SessionDescription sdp = SessionDescription.parse("v=0\r\nm=video 0 RTP/AVP 96 97\r\n"
                + "a=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1;profile-level-id=1\r\n"
                + "a=rtpmap:97 MP4V-ES/90000\r\na=fmtp:97 profile-level-id=0xF5\r\n");

        assertThat(PayloadFormat.of(sdp.media().getFirst(), 96))
                .isEqualTo(new H264PayloadFormat(96, 1, -1, Optional.empty()));
        assertThat(PayloadFormat.of(sdp.media().getFirst(), 97))
                .isEqualTo(new Mpeg4VisualPayloadFormat(97, 90000, 1, Optional.empty()));
    }

    @Test
    void badBase64AndHexNameTheParameter() throws RtpFormatException {
        String head = "v=0\r\nm=video 0 RTP/AVP 96\r\n";
        SessionDescription h264 = SessionDescription.parse(
                head + "a=rtpmap:96 H264/90000\r\na=fmtp:96 sprop-parameter-sets=Z0L*AH,aM4=\r\n");
        assertThatThrownBy(() -> PayloadFormat.of(h264.media().getFirst()))
                .isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("sprop-parameter-sets");

        SessionDescription mpeg4 =
                SessionDescription.parse(head + "a=rtpmap:96 MP4V-ES/90000\r\na=fmtp:96 config=000001b0z1\r\n");
        assertThatThrownBy(() -> PayloadFormat.of(mpeg4.media().getFirst()))
                .isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("config");

        SessionDescription aac = SessionDescription.parse("v=0\r\nm=audio 0 RTP/AVP 97\r\n"
                + "a=rtpmap:97 mpeg4-generic/48000/2\r\na=fmtp:97 mode=AAC-hbr;config=1190F\r\n");
        assertThatThrownBy(() -> PayloadFormat.of(aac.media().getFirst()))
                .isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("config");

        SessionDescription dynamicWithoutRtpMap = SessionDescription.parse(head);
        assertThatThrownBy(() -> PayloadFormat.of(dynamicWithoutRtpMap.media().getFirst()))
                .isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("rtpmap");
    }
}
