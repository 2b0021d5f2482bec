package io.kvr.bridge.rtspserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;
import io.kvr.media.rtp.rtcp.RtcpCompound;
import io.kvr.media.rtp.rtcp.SenderReport;
import io.kvr.mediatopic.IngestSessionId;
import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.Codec;
import io.kvr.schemas.StreamInfo;
import io.kvr.schemas.TrackInfo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A viewer's RTP timeline and its behaviour behind a slow player, on a fake output. */
class RelayViewerTest {
    private static final byte[] IDR = {0, 0, 0, 1, 0x65, (byte) 0x88, 0x11};
    private static final byte[] SLICE = {0, 0, 0, 1, 0x41, (byte) 0x9a, 0x33};

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final LiveFeed feed = new LiveFeed(StreamName.parse("live/cam1"), registry);
    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final FakeOutput out = new FakeOutput();
    private final List<String> closed = new ArrayList<>();

    private static final class FakeOutput implements TrackOutput {
        final List<RtpPacket> rtp = new ArrayList<>();
        int rtcp;
        final List<byte[]> rtcpCompounds = new ArrayList<>();
        boolean writable = true;

        @Override
        public void send(boolean isRtcp, ByteBuf packet) {
            try {
                if (isRtcp) {
                    rtcp++;
                    rtcpCompounds.add(ByteBufUtil.getBytes(packet));
                } else {
                    byte[] b = ByteBufUtil.getBytes(packet);
                    rtp.add(RtpPacket.parse(b, 0, b.length));
                }
            } catch (RtpFormatException e) {
                throw new AssertionError(e);
            } finally {
                packet.release();
            }
        }

        @Override
        public boolean writable() {
            return writable;
        }

        @Override
        public void flush() {}

        @Override
        public ByteBufAllocator alloc() {
            return UnpooledByteBufAllocator.DEFAULT;
        }
    }

    @AfterEach
    void close() {
        loop.finishAndReleaseAll();
    }

    private static StreamInfo info(String session, Codec video) {
        return StreamInfo.newBuilder()
                .setStreamId("live/cam1")
                .setIngestSessionId(session)
                .setStartedAtMs(IngestSessionId.startMs(session))
                .setTracks(List.of(TrackInfo.newBuilder()
                        .setTrack(0)
                        .setCodec(video)
                        .setTimebaseNum(1)
                        .setTimebaseDen(1000)
                        .build()))
                .build();
    }

    private static AccessUnit unit(String session, boolean keyframe, long ptsMs, long captureMs) {
        return AccessUnit.newBuilder()
                .setStreamId("live/cam1")
                .setIngestSessionId(session)
                .setTrack(0)
                .setCodec(Codec.H264)
                .setKeyframe(keyframe)
                .setPts(ptsMs)
                .setDts(ptsMs)
                .setTimebaseNum(1)
                .setTimebaseDen(1000)
                .setCaptureTimeMs(captureMs)
                .setArrivalTimeMs(captureMs)
                .setSequence(0)
                .setPayload(ByteBuffer.wrap(keyframe ? IDR : SLICE))
                .build();
    }

    private RelayViewer viewer(StreamInfo info) {
        RelayViewer v = new RelayViewer(
                feed,
                loop.eventLoop(),
                new RelayViewer.Player() {
                    @Override
                    public void close(String why) {
                        closed.add(why);
                    }

                    @Override
                    public String describe() {
                        return "test player";
                    }
                },
                info,
                RelayTrack.of(info),
                List.of(out),
                "kvr-test");
        feed.session(info);
        v.start(feed.join(v), "rtsp://127.0.0.1/live/cam1/");
        return v;
    }

    @Test
    void aPlayerBehindSkipsToTheNextKeyframeAndTheDropsAreCounted() {
        String s = IngestSessionId.create(1_000_000);
        RelayViewer v = viewer(info(s, Codec.H264));
        v.send(info(s, Codec.H264), unit(s, false, 0, 1000), true); // before any keyframe: not sent
        v.send(info(s, Codec.H264), unit(s, true, 40, 1040), true);
        v.send(info(s, Codec.H264), unit(s, false, 80, 1080), true);
        assertThat(out.rtp).hasSize(2);
        out.writable = false;
        v.send(info(s, Codec.H264), unit(s, false, 120, 1120), true);
        out.writable = true;
        v.send(info(s, Codec.H264), unit(s, false, 160, 1160), true);
        assertThat(out.rtp).hasSize(2);
        v.send(info(s, Codec.H264), unit(s, true, 200, 1200), true);
        assertThat(out.rtp).hasSize(3);
        assertThat(registry.get("kvr_bridge_relay_dropped_units").counter().count())
                .isEqualTo(2);
        // 90 kHz: 40 ms apart is 3600 ticks, on one SSRC with consecutive sequence numbers
        RtpPacket first = out.rtp.get(0);
        assertThat(out.rtp.get(1).timestamp() - first.timestamp() & 0xffff_ffffL)
                .isEqualTo(3600);
        assertThat(out.rtp.get(2).timestamp() - first.timestamp() & 0xffff_ffffL)
                .isEqualTo(14_400);
        assertThat(out.rtp).extracting(RtpPacket::ssrc).containsOnly(first.ssrc());
        assertThat(out.rtp.get(2).sequenceNumber()).isEqualTo(first.sequenceNumber() + 2 & 0xffff);
        assertThat(closed).isEmpty();
        v.senderReports();
        assertThat(out.rtcp).isEqualTo(1);
    }

    @Test
    void aNewSessionWithTheSameTracksContinuesByCaptureTime() {
        String s1 = IngestSessionId.create(1_000_000);
        String s2 = IngestSessionId.create(2_000_000);
        RelayViewer v = viewer(info(s1, Codec.H264));
        v.send(info(s1, Codec.H264), unit(s1, true, 5000, 10_000), true);
        // the new session's pts start again at 0; it was captured 1 s after the last unit
        v.send(info(s2, Codec.H264), unit(s2, true, 0, 11_000), true);
        v.send(info(s2, Codec.H264), unit(s2, false, 40, 11_040), true);
        assertThat(out.rtp).hasSize(3);
        long t0 = out.rtp.get(0).timestamp();
        assertThat(out.rtp.get(1).timestamp() - t0 & 0xffff_ffffL).isEqualTo(90_000);
        assertThat(out.rtp.get(2).timestamp() - t0 & 0xffff_ffffL).isEqualTo(93_600);
        assertThat(out.rtp)
                .extracting(RtpPacket::ssrc)
                .containsOnly(out.rtp.get(0).ssrc());
        assertThat(closed).isEmpty();
    }

    @Test
    void senderReportsFollowTheRtpClockNotEachUnitsCaptureTime() throws RtpFormatException {
        String s = IngestSessionId.create(1_000_000);
        RelayViewer v = viewer(info(s, Codec.H264));
        v.send(info(s, Codec.H264), unit(s, true, 0, 10_000), true);
        // captured 70 ms after the keyframe by the camera's clock, 40 ms by its pts: a pulled camera's capture
        // time can be re-anchored or slewed apart from the media clock
        v.send(info(s, Codec.H264), unit(s, false, 40, 10_070), true);
        v.senderReports();
        SenderReport sr =
                (SenderReport) RtcpCompound.parse(out.rtcpCompounds.get(0), 0, out.rtcpCompounds.get(0).length)
                        .get(0);
        assertThat(sr.rtpTimestamp()).isEqualTo(out.rtp.get(1).timestamp());
        assertThat(sr.ntpTime().toUnixMillis()).isEqualTo(10_040);
    }

    @Test
    void aNewSessionWithOtherTracksEndsTheViewer() {
        String s1 = IngestSessionId.create(1_000_000);
        String s2 = IngestSessionId.create(2_000_000);
        RelayViewer v = viewer(info(s1, Codec.H264));
        v.send(info(s1, Codec.H264), unit(s1, true, 0, 10_000), true);
        v.send(info(s2, Codec.H265), unit(s2, true, 0, 11_000), true);
        assertThat(out.rtp).hasSize(1);
        assertThat(closed).singleElement().asString().contains("tracks changed");
        assertThat(feed.viewers()).isZero();
    }
}
