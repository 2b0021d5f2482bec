package io.kvr.segmenter.segment;

import static io.kvr.segmenter.segment.FakeCamera.FRAME_TICKS;
import static io.kvr.segmenter.segment.FakeCamera.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.media.mp4.InitSegment;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.Codec;
import io.kvr.schemas.SegmentTrack;
import io.kvr.schemas.StreamInfo;
import io.kvr.schemas.TrackInfo;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MPEG-4 Part 2 cameras: VOPs recorded as they are in an mp4v track, configured from the SDP or in band. */
class StreamSegmenterMpeg4Test {
    private static final String S1 = FakeCamera.sessionId(1);
    /** VOS (Simple Profile level 1), VO, VOL of 640x360 and user data, as avenc_mpeg4 writes them. */
    private static final byte[] CONFIG = HexFormat.of()
            .parseHex("000001b001000001b58913000001000000012000c48d8ffffd14042d1463000001b24c61766335392e33372e313030");

    @Test
    void mpeg4CameraIsRecordedAsMp4v() {
        List<FakeCamera.Fed> records = camera(true, 0, 60);
        StreamSegmenterHarness harness = FakeCamera.segmenter();

        List<ClosedSegment> closed = harness.feed(records);
        closed.addAll(harness.segmenter().flush().stream().toList());

        assertThat(closed).hasSize(2);
        ClosedSegment first = closed.getFirst();
        assertThat(first.record().getCodecs()).isEqualTo("mp4v.20.1");
        assertThat(first.record().getWidth()).isEqualTo(640);
        assertThat(first.record().getHeight()).isEqualTo(360);
        SegmentTrack video = first.record().getTracks().getFirst();
        assertThat(video.getCodec()).isEqualTo(Codec.MPEG4);
        assertThat(video.getSampleSizes()).hasSize(50);
        assertThat(video.getSyncSamples()).containsExactly(0, 25);
        assertThat(InitSegment.parse(first.init()).track(1).orElseThrow().sampleEntry())
                .isEqualTo("mp4v");
        // samples are the VOPs byte for byte, one after another from the data offset
        int at = (int) video.getDataOffset();
        for (int i = 0; i < 50; i++) {
            byte[] vop = vop(i);
            assertThat(Arrays.copyOfRange(first.bytes(), at, at + vop.length))
                    .as("sample %d", i)
                    .isEqualTo(vop);
            at += vop.length;
        }
        assertThat(harness.segmenter().dropped()).isZero();
    }

    @Test
    void configurationFromTheKeyframeWhenTheSdpHasNone() {
        StreamSegmenterHarness withSdp = FakeCamera.segmenter();
        StreamSegmenterHarness inBand = FakeCamera.segmenter();

        List<ClosedSegment> a = withSdp.feed(camera(true, 0, 51));
        List<ClosedSegment> b = inBand.feed(camera(false, 0, 51));

        assertThat(b)
                .singleElement()
                .satisfies(c -> assertThat(c.record().getCodecs()).isEqualTo("mp4v.20.1"));
        assertThat(b.getFirst().init())
                .as("same header, same init segment")
                .isEqualTo(a.getFirst().init());
    }

    /** An MPEG-4 camera; with {@code sdpConfig} the StreamInfo carries the header, else only keyframes do. */
    private static List<FakeCamera.Fed> camera(boolean sdpConfig, int from, int to) {
        List<FakeCamera.Fed> out = new ArrayList<>();
        long offset = 0;
        out.add(new FakeCamera.Fed(
                StreamInfo.newBuilder()
                        .setStreamId("live/door")
                        .setIngestSessionId(S1)
                        .setStartedAtMs(T0)
                        .setSourceUrl("rtsp://10.0.0.5/mpeg4")
                        .setTracks(List.of(TrackInfo.newBuilder()
                                .setTrack(0)
                                .setCodec(Codec.MPEG4)
                                .setTimebaseNum(1)
                                .setTimebaseDen(90_000)
                                .setWidth(640)
                                .setHeight(360)
                                .setExtradata(ByteBuffer.wrap(sdpConfig ? CONFIG : new byte[0]))
                                .build()))
                        .build(),
                offset++));
        for (int i = from; i < to; i++) {
            long dts = (long) i * FRAME_TICKS;
            out.add(new FakeCamera.Fed(
                    AccessUnit.newBuilder()
                            .setStreamId("live/door")
                            .setIngestSessionId(S1)
                            .setTrack(0)
                            .setCodec(Codec.MPEG4)
                            .setKeyframe(i % FakeCamera.GOP == 0)
                            .setPts(dts)
                            .setDts(dts)
                            .setTimebaseNum(1)
                            .setTimebaseDen(90_000)
                            .setCaptureTimeMs(T0 + dts / 90)
                            .setArrivalTimeMs(T0 + dts / 90)
                            .setSequence(i)
                            .setPayload(ByteBuffer.wrap(vop(i)))
                            .build(),
                    offset++));
        }
        return out;
    }

    /** Keyframes: the header, then an I-VOP (vop_coding_type 00); others a P-VOP (01). Filler never forms a start code. */
    private static byte[] vop(int index) {
        boolean key = index % FakeCamera.GOP == 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (key) {
            out.writeBytes(CONFIG);
        }
        out.writeBytes(new byte[] {0, 0, 1, (byte) 0xb6});
        out.writeBytes(FakeCamera.filler(key ? 0x10 : 0x50, index, key ? 40 : 12));
        return out.toByteArray();
    }
}
