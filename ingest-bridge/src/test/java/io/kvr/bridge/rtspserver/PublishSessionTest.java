package io.kvr.bridge.rtspserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.bridge.camera.CameraConfig;
import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.Codec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PublishSessionTest {
    static final String SDP = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=No Name\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1\r\n"
            + "a=control:streamid=0\r\n"
            + "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 MPEG4-GENERIC/44100/1\r\n"
            + "a=fmtp:97 profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3;"
            + " config=1208\r\na=control:streamid=1\r\n";
    private static final String URL = "rtsp://127.0.0.1:8554/push/cam1";

    private final PublishedPaths paths = new PublishedPaths();
    private final List<FakeRecording> recordings = new ArrayList<>();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final Set<StreamName> pulledCameras = new HashSet<>();

    private final class FakeRecording implements Recording {
        final CameraConfig stream;
        final List<AnnouncedTrack> tracks;
        final int[] channelMap;
        final List<InterleavedFrame> frames = new ArrayList<>();
        boolean closed;

        FakeRecording(CameraConfig stream, List<AnnouncedTrack> tracks, int[] channelMap) {
            this.stream = stream;
            this.tracks = tracks;
            this.channelMap = channelMap;
        }

        @Override
        public void offer(InterleavedFrame frame) {
            frames.add(frame);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private EmbeddedChannel connection(boolean publishOpen) {
        return connection(
                publishOpen,
                new PublishAuthentication(
                        io.kvr.http.access.AccessSettings.off(), publishOpen, java.time.Clock.systemUTC()));
    }

    private EmbeddedChannel connection(boolean publishOpen, PublishAuthentication authentication) {
        RtspServerSettings settings = new RtspServerSettings(true, "127.0.0.1", 0, Duration.ofSeconds(60), publishOpen);
        EmbeddedChannel ch = new EmbeddedChannel();
        RtspServer.pipeline(
                ch.pipeline(),
                settings,
                paths,
                authentication,
                (stream, tracks, map, connection) -> {
                    FakeRecording r = new FakeRecording(stream, tracks, map);
                    recordings.add(r);
                    return r;
                },
                new UdpPorts(settings.host(), settings.udpPorts(), NioDatagramChannel.class),
                pulledCameras::contains);
        channels.add(ch);
        return ch;
    }

    @AfterEach
    void close() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    /** Sends a request and returns the answer's head. */
    private static String ask(EmbeddedChannel ch, String request) {
        ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.UTF_8));
        StringBuilder answer = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            answer.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return answer.toString();
    }

    private static String announce(int cseq, String url, String body) {
        return "ANNOUNCE " + url + " RTSP/1.0\r\nCSeq: " + cseq + "\r\nContent-Type: application/sdp\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private static String setup(int cseq, String url, String transport) {
        return "SETUP " + url + " RTSP/1.0\r\nCSeq: " + cseq + "\r\nTransport: " + transport + "\r\n\r\n";
    }

    private static String session(String answer) {
        int at = answer.indexOf("session: ");
        int end = answer.indexOf(';', at);
        return answer.substring(at + "session: ".length(), end);
    }

    @Test
    void publisherAnnouncesSetsUpAndRecordsOverInterleavedTcp() {
        EmbeddedChannel ch = connection(true);
        assertThat(ask(ch, "OPTIONS " + URL + " RTSP/1.0\r\nCSeq: 1\r\n\r\n"))
                .startsWith("RTSP/1.0 200 OK")
                .contains("cseq: 1")
                .contains("ANNOUNCE, SETUP, RECORD");
        String announced = ask(ch, announce(2, URL, SDP));
        assertThat(announced).startsWith("RTSP/1.0 200 OK").contains("cseq: 2").contains(";timeout=60");
        String id = session(announced);
        assertThat(ask(ch, setup(3, URL + "/streamid=0", "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record")))
                .startsWith("RTSP/1.0 200")
                .contains("interleaved=0-1");
        assertThat(ask(ch, setup(4, URL + "/streamid=1", "RTP/AVP/TCP;unicast;interleaved=2-3;mode=record")))
                .startsWith("RTSP/1.0 200");
        assertThat(ask(
                        ch,
                        "RECORD " + URL + " RTSP/1.0\r\nCSeq: 5\r\nSession: " + id + "\r\nRange: npt=0.000-\r\n\r\n"))
                .startsWith("RTSP/1.0 200");
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'$', 2, 0, 2, 7, 7, '$', 0, 0, 1, 5}));

        FakeRecording r = recordings.getFirst();
        assertThat(r.stream.name().id()).isEqualTo("push/cam1");
        assertThat(r.tracks).extracting(t -> t.track().codec()).containsExactly(Codec.H264, Codec.AAC);
        assertThat(r.tracks.get(1).track().sampleRate()).isEqualTo(44100);
        assertThat(r.channelMap[0]).isEqualTo(0);
        assertThat(r.channelMap[1]).isEqualTo(-2);
        assertThat(r.channelMap[2]).isEqualTo(1);
        assertThat(r.channelMap[3]).isEqualTo(-3);
        assertThat(r.frames).extracting(InterleavedFrame::channel).containsExactly(2, 0);

        assertThat(ask(ch, "GET_PARAMETER " + URL + " RTSP/1.0\r\nCSeq: 6\r\nSession: " + id + "\r\n\r\n"))
                .startsWith("RTSP/1.0 200");
        assertThat(ask(ch, "TEARDOWN " + URL + " RTSP/1.0\r\nCSeq: 7\r\nSession: " + id + "\r\n\r\n"))
                .startsWith("RTSP/1.0 200");
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(r.closed).isTrue();
        assertThat(paths.published(r.stream.name())).isFalse();
    }

    @Test
    void methodsOutOfOrderAnswer455() {
        EmbeddedChannel ch = connection(true);
        assertThat(ask(ch, "RECORD " + URL + " RTSP/1.0\r\nCSeq: 1\r\n\r\n")).startsWith("RTSP/1.0 455");
        assertThat(ask(ch, setup(2, URL + "/streamid=0", "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record")))
                .startsWith("RTSP/1.0 455")
                .contains("cseq: 2");
        ask(ch, announce(3, URL, SDP));
        assertThat(ask(ch, "RECORD " + URL + " RTSP/1.0\r\nCSeq: 4\r\n\r\n")).startsWith("RTSP/1.0 455");
        assertThat(recordings).isEmpty();
    }

    @Test
    void withAccessControlAnAnnounceIsChallengedThenAdmitted() {
        String secret = "0123456789abcdef0123456789abcdef-session";
        io.kvr.http.access.AccessSettings off = io.kvr.http.access.AccessSettings.off();
        io.kvr.http.access.AccessSettings access = new io.kvr.http.access.AccessSettings(
                true,
                secret,
                null,
                null,
                null,
                null,
                off.jwtStreamClaim(),
                off.jwtRolesClaim(),
                off.apiKeys(),
                off.clockSkew(),
                false);
        EmbeddedChannel ch = connection(false, new PublishAuthentication(access, false, java.time.Clock.systemUTC()));
        String challenged = ask(ch, announce(1, URL, SDP));
        assertThat(challenged).startsWith("RTSP/1.0 401 Unauthorized: credentials required\r\n");
        assertThat(challenged.lines().filter(l -> l.startsWith("www-authenticate: ")))
                .hasSize(3)
                .satisfiesExactly(
                        l -> assertThat(l)
                                .startsWith("www-authenticate: Digest realm=\"kvr\"")
                                .endsWith("SHA-256"),
                        l -> assertThat(l)
                                .startsWith("www-authenticate: Digest realm=\"kvr\"")
                                .endsWith("MD5"),
                        l -> assertThat(l).isEqualTo("www-authenticate: Basic realm=\"kvr\""));
        String token = new io.kvr.http.access.SignedToken(secret)
                .mint(new io.kvr.http.access.Grant(
                        "push/*",
                        System.currentTimeMillis() / 1000 + 60,
                        null,
                        null,
                        io.kvr.http.access.Role.PUBLISHER));
        String basic = java.util.Base64.getEncoder().encodeToString(("x:" + token).getBytes(StandardCharsets.UTF_8));
        String withCredential =
                announce(2, URL, SDP).replace("CSeq: 2\r\n", "CSeq: 2\r\nAuthorization: Basic " + basic + "\r\n");
        assertThat(ask(ch, withCredential)).startsWith("RTSP/1.0 200");
    }

    @Test
    void refusalsNameTheirReason() {
        EmbeddedChannel closed = connection(false);
        assertThat(ask(closed, announce(1, URL, SDP))).startsWith("RTSP/1.0 401");

        EmbeddedChannel ch = connection(true);
        assertThat(ask(ch, announce(1, "rtsp://h/only-one-level", SDP))).startsWith("RTSP/1.0 404");
        assertThat(ask(ch, announce(2, "rtsp://h/push/bad..name%00", SDP))).startsWith("RTSP/1.0 400");
        assertThat(ask(ch, announce(3, URL, "not sdp"))).startsWith("RTSP/1.0 400 Bad Request: session description");
        String mjpeg = "v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns=x\r\nt=0 0\r\nm=video 0 RTP/AVP 26\r\n";
        assertThat(ask(ch, announce(4, URL, mjpeg))).startsWith("RTSP/1.0 415");
        assertThat(ask(ch, announce(5, URL, SDP))).startsWith("RTSP/1.0 200");
        assertThat(ask(ch, setup(6, URL + "/streamid=0", "RTP/AVP;multicast;client_port=5000-5001;mode=record")))
                .startsWith("RTSP/1.0 461");
        assertThat(ask(ch, setup(6, URL + "/streamid=0", "RTP/AVP;unicast;mode=record")))
                .startsWith("RTSP/1.0 461");
        assertThat(ask(ch, setup(6, URL + "/streamid=0", "RTP/AVP;unicast;client_port=5000-5001;mode=play")))
                .startsWith("RTSP/1.0 461");
        assertThat(ask(ch, setup(7, URL + "/streamid=9", "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record")))
                .startsWith("RTSP/1.0 404");
        assertThat(ask(ch, "RECORD " + URL + " RTSP/1.0\r\nCSeq: 8\r\nSession: nope\r\n\r\n"))
                .startsWith("RTSP/1.0 454");
        assertThat(ask(ch, "PLAY " + URL + " RTSP/1.0\r\nCSeq: 9\r\n\r\n")).startsWith("RTSP/1.0 405");

        EmbeddedChannel second = connection(true);
        assertThat(ask(second, announce(1, URL, SDP))).startsWith("RTSP/1.0 503 Stream Already Published");

        EmbeddedChannel noCseq = connection(true);
        assertThat(ask(noCseq, "OPTIONS " + URL + " RTSP/1.0\r\n\r\n")).startsWith("RTSP/1.0 400");
        noCseq.runPendingTasks();
        assertThat(noCseq.isOpen()).isFalse();
    }

    @Test
    void garbageClosesTheConnectionAndFreesThePath() {
        EmbeddedChannel ch = connection(true);
        ask(ch, announce(1, URL, SDP));
        ch.writeInbound(Unpooled.copiedBuffer("x".repeat(RtspServer.MAX_HEADER_BYTES + 10), StandardCharsets.US_ASCII));
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(paths.published(io.kvr.runtime.stream.StreamName.parse("push/cam1")))
                .isFalse();
    }

    @Test
    void aPushToAPulledCameraIsRefusedWith403AndItsReason() {
        pulledCameras.add(StreamName.parse("push/cam1"));
        EmbeddedChannel ch = connection(true);
        assertThat(ask(ch, announce(1, URL, SDP))).startsWith("RTSP/1.0 403 Forbidden: push/cam1 is a pulled camera");
        assertThat(paths.published(StreamName.parse("push/cam1"))).isFalse();
        assertThat(ask(ch, announce(2, "rtsp://h/push/other", SDP))).startsWith("RTSP/1.0 200");
    }

    @Test
    void theFirstTransportKvrTakesWins() {
        assertThat(PublishSession.RequestedTransport.first("RTP/AVP;unicast;client_port=5000-5001;mode=record"))
                .isEqualTo(new PublishSession.RequestedTransport(true, 5000, 5001));
        assertThat(PublishSession.RequestedTransport.first("RTP/AVP/UDP;unicast;client_port=5002;mode=\"RECORD\""))
                .isEqualTo(new PublishSession.RequestedTransport(true, 5002, 5003));
        assertThat(PublishSession.RequestedTransport.first(
                        "RTP/AVP;multicast;mode=record,RTP/AVP/TCP;unicast;interleaved=4-5;mode=record"))
                .isEqualTo(new PublishSession.RequestedTransport(false, 4, 5));
        assertThat(PublishSession.RequestedTransport.first("RTP/AVP/TCP;unicast;interleaved=2"))
                .isEqualTo(new PublishSession.RequestedTransport(false, 2, 3));
        assertThat(PublishSession.RequestedTransport.first("RTP/AVP;unicast;client_port=0-1"))
                .isNull();
        assertThat(PublishSession.RequestedTransport.first("RTP/AVP;unicast;client_port=70000-70001"))
                .isNull();
        assertThat(PublishSession.RequestedTransport.first("RTP/SAVP;unicast;client_port=5000-5001"))
                .isNull();
        assertThat(PublishSession.RequestedTransport.first("")).isNull();
    }
}
