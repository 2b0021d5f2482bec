package io.kvr.bridge.rtspserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.http.access.AccessControl;
import io.kvr.http.access.AccessSettings;
import io.kvr.http.access.Grant;
import io.kvr.http.access.Role;
import io.kvr.http.access.SignedToken;
import io.kvr.media.rtp.rtcp.Goodbye;
import io.kvr.media.rtp.rtcp.RtcpCompound;
import io.kvr.media.rtp.rtcp.RtcpPacket;
import io.kvr.media.rtp.rtcp.SenderReport;
import io.kvr.mediatopic.IngestSessionId;
import io.kvr.runtime.config.Settings;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.Codec;
import io.kvr.schemas.StreamInfo;
import io.kvr.schemas.TrackInfo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A player's requests on an embedded channel, the live feed filled by the test instead of the media topic. */
class PlaySessionTest {
    private static final String URL = "rtsp://127.0.0.1:8554/live/cam1";
    private static final String SECRET = "a-test-secret-of-enough-length-0123456789";
    private static final byte[] IDR = {0, 0, 0, 1, 0x65, (byte) 0x88, 0x11, 0x22};
    private static final byte[] SLICE = {0, 0, 0, 1, 0x41, (byte) 0x9a, 0x33};

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<LiveFeed> opened = new ArrayList<>();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final String session = IngestSessionId.create(System.currentTimeMillis());
    private LiveFeeds feeds;
    private boolean live = true;
    private int maxViewers = RtspServerSettings.DEFAULT_MAX_VIEWERS;

    private EmbeddedChannel connection(AccessControl access) {
        RtspServerSettings settings = new RtspServerSettings(true, "127.0.0.1", 0, Duration.ofSeconds(60), false);
        if (feeds == null) {
            feeds = feeds();
        }
        EmbeddedChannel ch = new EmbeddedChannel();
        RtspServer.pipeline(
                ch.pipeline(),
                settings,
                new PublishedPaths(),
                (s, t, m, c) -> {
                    throw new AssertionError("no push here");
                },
                feeds,
                new ViewerAccess(access));
        channels.add(ch);
        return ch;
    }

    private LiveFeeds feeds() {
        return new LiveFeeds(
                feed -> {
                    opened.add(feed);
                    if (live) {
                        feed.session(info());
                        feed.unit(unit(0, true, 0, IDR));
                        feed.unit(unit(1, true, 0, new byte[] {0x21, 0x10}));
                        feed.unit(unit(0, false, 3600, SLICE));
                    }
                    feed.caughtUp();
                    return () -> {};
                },
                registry,
                maxViewers);
    }

    private EmbeddedChannel connection() {
        return connection(AccessControl.open());
    }

    private StreamInfo info() {
        return StreamInfo.newBuilder()
                .setStreamId("live/cam1")
                .setIngestSessionId(session)
                .setStartedAtMs(IngestSessionId.startMs(session))
                .setSourceUrl("")
                .setTracks(List.of(
                        TrackInfo.newBuilder()
                                .setTrack(0)
                                .setCodec(Codec.H264)
                                .setTimebaseNum(1)
                                .setTimebaseDen(90000)
                                .build(),
                        TrackInfo.newBuilder()
                                .setTrack(1)
                                .setCodec(Codec.AAC)
                                .setTimebaseNum(1)
                                .setTimebaseDen(44100)
                                .setSampleRate(44100)
                                .setChannels(1)
                                .setExtradata(ByteBuffer.wrap(new byte[] {0x12, 0x08}))
                                .build()))
                .build();
    }

    private AccessUnit unit(int track, boolean keyframe, long pts, byte[] payload) {
        long now = System.currentTimeMillis();
        return AccessUnit.newBuilder()
                .setStreamId("live/cam1")
                .setIngestSessionId(session)
                .setTrack(track)
                .setCodec(track == 0 ? Codec.H264 : Codec.AAC)
                .setKeyframe(keyframe)
                .setPts(pts)
                .setDts(pts)
                .setTimebaseNum(1)
                .setTimebaseDen(track == 0 ? 90000 : 44100)
                .setCaptureTimeMs(now)
                .setArrivalTimeMs(now)
                .setSequence(0)
                .setPayload(ByteBuffer.wrap(payload))
                .build();
    }

    @AfterEach
    void close() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    /** Sends a request and returns what was written back: the answer, then any interleaved frames. */
    private static List<ByteBuf> exchange(EmbeddedChannel ch, String request) {
        ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.UTF_8));
        ch.runPendingTasks();
        List<ByteBuf> out = new ArrayList<>();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            out.add(b);
        }
        return out;
    }

    private static String ask(EmbeddedChannel ch, String request) {
        StringBuilder answer = new StringBuilder();
        for (ByteBuf b : exchange(ch, request)) {
            answer.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return answer.toString();
    }

    private static String request(String method, int cseq, String url, String... headers) {
        StringBuilder b = new StringBuilder(method + " " + url + " RTSP/1.0\r\nCSeq: " + cseq + "\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    private static String session(String answer) {
        int at = answer.indexOf("session: ");
        return answer.substring(at + "session: ".length(), answer.indexOf(';', at));
    }

    @Test
    void optionsNamesBothMethodSets() {
        assertThat(ask(connection(), request("OPTIONS", 1, URL)))
                .startsWith("RTSP/1.0 200 OK")
                .contains("DESCRIBE, PLAY, PAUSE")
                .contains("ANNOUNCE, SETUP, RECORD");
    }

    @Test
    void describeAnswersTheLatestSessionsDescription() {
        String answer = ask(connection(), request("DESCRIBE", 2, URL, "Accept: application/sdp"));
        assertThat(answer)
                .startsWith("RTSP/1.0 200 OK")
                .contains("cseq: 2")
                .contains("content-type: application/sdp")
                .contains("content-base: rtsp://127.0.0.1:8554/live/cam1/")
                .contains("m=video 0 RTP/AVP 96")
                .contains("a=rtpmap:96 H264/90000")
                .contains("a=control:trackID=0")
                .contains("a=rtpmap:97 MPEG4-GENERIC/44100/1")
                .contains("config=1208")
                .contains("a=control:trackID=1")
                .contains("a=range:npt=now-");
        assertThat(registry.get("kvr_bridge_relay_viewers")
                        .tag("stream", "live/cam1")
                        .gauge()
                        .value())
                .isZero();
    }

    @Test
    void describeOfAStreamThatIsNotLiveIs404AndReleasesTheFeed() {
        live = false;
        EmbeddedChannel ch = connection();
        assertThat(ask(ch, request("DESCRIBE", 1, URL))).startsWith("RTSP/1.0 404 Not Found: live/cam1 is not live");
        assertThat(feeds.open()).isZero();
        assertThat(ask(ch, request("DESCRIBE", 2, "rtsp://127.0.0.1:8554/only-one-segment")))
                .startsWith("RTSP/1.0 404");
        assertThat(ask(ch, request("DESCRIBE", 3, "rtsp://127.0.0.1:8554/bad name/x")))
                .startsWith("RTSP/1.0 4");
    }

    @Test
    void setupPlayAndTeardownOverInterleavedTcp() {
        EmbeddedChannel ch = connection();
        ask(ch, request("DESCRIBE", 1, URL));
        assertThat(ask(ch, request("PLAY", 2, URL + "/"))).startsWith("RTSP/1.0 455");
        String video =
                ask(ch, request("SETUP", 3, URL + "/trackID=0", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1"));
        assertThat(video).startsWith("RTSP/1.0 200 OK").contains("transport: RTP/AVP/TCP;unicast;interleaved=0-1");
        String id = session(video);
        assertThat(ask(
                        ch,
                        request(
                                "SETUP",
                                4,
                                URL + "/trackID=0",
                                "Transport: RTP/AVP/TCP;unicast;interleaved=2-3",
                                "Session: " + id)))
                .startsWith("RTSP/1.0 455");
        assertThat(ask(
                        ch,
                        request(
                                "SETUP",
                                5,
                                URL + "/trackID=1",
                                "Transport: RTP/AVP/TCP;unicast;interleaved=0-1",
                                "Session: " + id)))
                .startsWith("RTSP/1.0 461");
        assertThat(ask(
                        ch,
                        request(
                                "SETUP",
                                6,
                                URL + "/trackID=1",
                                "Transport: RTP/AVP/TCP;interleaved=2-3",
                                "Session: " + id)))
                .startsWith("RTSP/1.0 200 OK")
                .contains("interleaved=2-3");
        assertThat(ask(ch, request("PLAY", 7, URL + "/", "Session: other"))).startsWith("RTSP/1.0 454");

        List<ByteBuf> out = exchange(ch, request("PLAY", 8, URL + "/", "Session: " + id));
        String answer = out.getFirst().toString(StandardCharsets.ISO_8859_1);
        assertThat(answer)
                .startsWith("RTSP/1.0 200 OK")
                .contains("range: npt=now-")
                .containsPattern("rtp-info: url=rtsp://127.0.0.1:8554/live/cam1/trackID=0;seq=\\d+;rtptime=\\d+,"
                        + "url=rtsp://127.0.0.1:8554/live/cam1/trackID=1;seq=\\d+;rtptime=\\d+");
        // then the cached units from the keyframe: interleaved frames ($, channel, length, RTP)
        List<Integer> frameChannels = new ArrayList<>();
        for (int i = 1; i < out.size(); i++) {
            ByteBuf b = out.get(i);
            if (b.readableBytes() == 4 && b.getByte(0) == '$') {
                frameChannels.add((int) b.getByte(1));
            }
        }
        out.forEach(ByteBuf::release);
        assertThat(frameChannels).containsExactly(0, 2, 0);
        assertThat(registry.get("kvr_bridge_relay_viewers")
                        .tag("stream", "live/cam1")
                        .gauge()
                        .value())
                .isEqualTo(1);

        // a live unit follows, and its latency is measured
        opened.getFirst().unit(unit(0, false, 7200, SLICE));
        ch.runPendingTasks();
        ByteBuf head = ch.readOutbound();
        assertThat(head.getByte(0)).isEqualTo((byte) '$');
        head.release();
        ch.releaseOutbound();
        assertThat(registry.get("kvr_bridge_relay_latency").timer().count()).isEqualTo(1);

        // each track's RTCP BYE, then the answer
        assertThat(ask(ch, request("TEARDOWN", 9, URL + "/", "Session: " + id))).contains("RTSP/1.0 200 OK");
        assertThat(ch.isOpen()).isFalse();
        assertThat(feeds.open()).isZero();
    }

    @Test
    void overMaxViewersDescribeAndSetupAre453UntilOneLeaves() {
        maxViewers = 2;
        EmbeddedChannel first = connection();
        EmbeddedChannel second = connection();
        EmbeddedChannel third = connection();
        assertThat(ask(first, request("DESCRIBE", 1, URL))).startsWith("RTSP/1.0 200 OK");
        assertThat(ask(second, request("DESCRIBE", 1, URL))).startsWith("RTSP/1.0 200 OK");
        assertThat(ask(third, request("DESCRIBE", 1, URL))).startsWith("RTSP/1.0 453 Not Enough Bandwidth");
        assertThat(ask(third, request("SETUP", 2, URL + "/trackID=0", "Transport: RTP/AVP/TCP;interleaved=0-1")))
                .startsWith("RTSP/1.0 453");
        assertThat(feeds.viewers()).isEqualTo(2);
        first.close();
        assertThat(feeds.viewers()).isEqualTo(1);
        assertThat(ask(third, request("DESCRIBE", 3, URL))).startsWith("RTSP/1.0 200 OK");
    }

    @Test
    void teardownSendsEachTracksRtcpBye() throws Exception {
        EmbeddedChannel ch = connection();
        ask(ch, request("DESCRIBE", 1, URL));
        String id = session(
                ask(ch, request("SETUP", 2, URL + "/trackID=0", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1")));
        ask(ch, request("SETUP", 3, URL + "/trackID=1", "Transport: RTP/AVP/TCP;interleaved=2-3", "Session: " + id));
        exchange(ch, request("PLAY", 4, URL + "/", "Session: " + id)).forEach(ByteBuf::release);

        List<ByteBuf> out = exchange(ch, request("TEARDOWN", 5, URL + "/", "Session: " + id));
        Map<Integer, List<RtcpPacket>> rtcp = new HashMap<>();
        for (int i = 0; i + 1 < out.size(); i++) {
            ByteBuf head = out.get(i);
            if (head.readableBytes() == 4 && head.getByte(0) == '$' && (head.getByte(1) & 1) == 1) {
                byte[] packet = ByteBufUtil.getBytes(out.get(i + 1));
                rtcp.put((int) head.getByte(1), RtcpCompound.parse(packet, 0, packet.length));
            }
        }
        String answer = out.getLast().toString(StandardCharsets.ISO_8859_1);
        out.forEach(ByteBuf::release);
        assertThat(answer).startsWith("RTSP/1.0 200 OK");
        assertThat(rtcp).containsOnlyKeys(1, 3);
        for (List<RtcpPacket> compound : rtcp.values()) {
            // RFC 3550 6.1: a report first, the CNAME, then the BYE of the same source
            assertThat(compound.getFirst()).isInstanceOf(SenderReport.class);
            assertThat(compound.getLast())
                    .isInstanceOfSatisfying(
                            Goodbye.class,
                            bye -> assertThat(bye.ssrcs())
                                    .containsExactly(((SenderReport) compound.getFirst()).ssrc()));
        }
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void theEndOfTheLiveFeedSendsByeAndClosesThePlayer() throws Exception {
        EmbeddedChannel ch = connection();
        ask(ch, request("DESCRIBE", 1, URL));
        String id = session(
                ask(ch, request("SETUP", 2, URL + "/trackID=0", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1")));
        exchange(ch, request("PLAY", 3, URL + "/", "Session: " + id)).forEach(ByteBuf::release);

        opened.getFirst().end("the stream's publisher left");
        ch.runPendingTasks();
        List<RtcpPacket> bye = List.of();
        ByteBuf b;
        ByteBuf head = null;
        while ((b = ch.readOutbound()) != null) {
            if (head != null && head.getByte(1) == 1) {
                byte[] packet = ByteBufUtil.getBytes(b);
                bye = RtcpCompound.parse(packet, 0, packet.length);
            }
            if (head != null) {
                head.release();
            }
            head = b.readableBytes() == 4 && b.getByte(0) == '$' ? b : null;
            if (head == null) {
                b.release();
            }
        }
        assertThat(bye).last().isInstanceOf(Goodbye.class);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void transportsKvrDoesNotSendAre461() {
        EmbeddedChannel ch = connection();
        ask(ch, request("DESCRIBE", 1, URL));
        assertThat(ask(ch, request("SETUP", 2, URL + "/trackID=0", "Transport: RTP/AVP;multicast")))
                .startsWith("RTSP/1.0 461");
        assertThat(ask(
                        ch,
                        request("SETUP", 3, URL + "/trackID=0", "Transport: RTP/AVP/TCP;interleaved=0-1;mode=record")))
                .startsWith("RTSP/1.0 461");
        // an embedded channel has no IP address to send datagrams to
        assertThat(ask(ch, request("SETUP", 4, URL + "/trackID=0", "Transport: RTP/AVP;unicast;client_port=5000-5001")))
                .startsWith("RTSP/1.0 461");
        assertThat(ask(ch, request("SETUP", 5, URL + "/trackID=7", "Transport: RTP/AVP/TCP;interleaved=0-1")))
                .startsWith("RTSP/1.0 404");
    }

    @Test
    void withAccessControlOnPlayersNeedAViewersCredential() {
        AccessControl access = new AccessControl(
                AccessSettings.from(Settings.of(Map.of("access.required", "true", "access.token.secret", SECRET))));
        EmbeddedChannel ch = connection(access);
        assertThat(ask(ch, request("DESCRIBE", 1, URL)))
                .startsWith("RTSP/1.0 401")
                .contains("www-authenticate: Basic realm=\"kvr\"");
        assertThat(ask(ch, request("DESCRIBE", 2, URL + "?token=k1.forged"))).startsWith("RTSP/1.0 403");
        long in1h = System.currentTimeMillis() / 1000 + 3600;
        String other = new SignedToken(SECRET).mint(new Grant("live/other", in1h, null, null, Role.VIEWER));
        assertThat(ask(ch, request("DESCRIBE", 3, URL + "?token=" + other))).startsWith("RTSP/1.0 403");
        assertThat(feeds.open()).isZero();

        String token = new SignedToken(SECRET).mint(new Grant("live/cam1", in1h, null, null, Role.VIEWER));
        assertThat(ask(ch, request("DESCRIBE", 4, URL + "?token=" + token)))
                .startsWith("RTSP/1.0 200 OK")
                .contains("content-base: rtsp://127.0.0.1:8554/live/cam1/")
                .doesNotContain(token);
        String basic = Base64.getEncoder().encodeToString(("viewer:" + token).getBytes(StandardCharsets.UTF_8));
        assertThat(ask(connection(access), request("DESCRIBE", 1, URL, "Authorization: Basic " + basic)))
                .startsWith("RTSP/1.0 200 OK");
    }

    @Test
    void hostileRequestsGetA4xxOrACloseNeverAnException() {
        String[][] table = {
            {"DESCRIBE rtsp://127.0.0.1:8554/%zz/x RTSP/1.0\r\nCSeq: 1\r\n\r\n", "RTSP/1.0 4"},
            {"DESCRIBE rtsp://127.0.0.1:8554/a/b/c/d RTSP/1.0\r\nCSeq: 1\r\n\r\n", "RTSP/1.0 404"},
            {"DESCRIBE * RTSP/1.0\r\nCSeq: 1\r\n\r\n", "RTSP/1.0 404"},
            {"DESCRIBE " + URL + " RTSP/1.0\r\n\r\n", "RTSP/1.0 400"},
            {"PLAY " + URL + " RTSP/1.0\r\nCSeq: 1\r\n\r\n", "RTSP/1.0 455"},
            {"PAUSE " + URL + " RTSP/1.0\r\nCSeq: 1\r\n\r\n", "RTSP/1.0 455"},
            {"FLY " + URL + " RTSP/1.0\r\nCSeq: 1\r\n\r\n", "RTSP/1.0 405"},
            {"SETUP " + URL + "/trackID=0 RTSP/1.0\r\nCSeq: 1\r\n\r\n", "RTSP/1.0 461"},
            {
                "SETUP " + URL
                        + "/trackID=0 RTSP/1.0\r\nCSeq: 1\r\nTransport: RTP/AVP/TCP;interleaved=999-1000\r\n\r\n",
                "RTSP/1.0 461"
            },
            {
                "SETUP " + URL + "/trackID=0 RTSP/1.0\r\nCSeq: 1\r\nTransport: RTP/AVP/TCP;interleaved=4-4\r\n\r\n",
                "RTSP/1.0 461"
            },
            {
                "SETUP " + URL
                        + "/trackID=0 RTSP/1.0\r\nCSeq: 1\r\nTransport: RTP/AVP;unicast;client_port=99999-0\r\n\r\n",
                "RTSP/1.0 461"
            },
            {
                "SETUP " + URL + "/trackID=99999999999 RTSP/1.0\r\nCSeq: 1\r\nTransport: RTP/AVP/TCP\r\n\r\n",
                "RTSP/1.0 404"
            },
            {"SETUP " + URL + "/streamid=0 RTSP/1.0\r\nCSeq: 1\r\nTransport: RTP/AVP/TCP\r\n\r\n", "RTSP/1.0 404"},
            {"GET_PARAMETER " + URL + " RTSP/1.0\r\nCSeq: 1\r\nSession: nope\r\n\r\n", "RTSP/1.0 454"},
            {"ANNOUNCE " + URL + " RTSP/1.0\r\nCSeq: 1\r\n\r\n", "RTSP/1.0 401"},
        };
        for (String[] row : table) {
            EmbeddedChannel ch = connection();
            String answer = ask(ch, row[0]);
            assertThat(answer).as(row[0]).startsWith(row[1]);
        }
        // after DESCRIBE a second stream on the same connection is refused
        EmbeddedChannel ch = connection();
        ask(ch, request("DESCRIBE", 1, URL));
        assertThat(ask(ch, request("DESCRIBE", 2, "rtsp://127.0.0.1:8554/live/other")))
                .startsWith("RTSP/1.0 455");
        assertThat(ask(ch, request("RECORD", 3, URL))).startsWith("RTSP/1.0 455");
        // binary garbage in place of a request: the connection is closed, nothing escapes
        EmbeddedChannel garbage = connection();
        garbage.writeInbound(Unpooled.wrappedBuffer(new byte[RtspServer.MAX_HEADER_BYTES * 2]));
        garbage.runPendingTasks();
        assertThat(garbage.isOpen()).isFalse();
    }
}
