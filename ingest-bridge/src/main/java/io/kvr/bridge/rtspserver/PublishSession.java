package io.kvr.bridge.rtspserver;

import io.kvr.bridge.camera.CameraConfig;
import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.sdp.SessionDescription;
import io.kvr.runtime.config.Secrets;
import io.kvr.runtime.stream.StreamName;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspMethods;
import io.netty.handler.codec.rtsp.RtspResponseStatuses;
import io.netty.handler.codec.rtsp.RtspVersions;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTSP connection of a publisher (RFC 2326; RFC 7826 where it agrees): OPTIONS, ANNOUNCE with the session
 * description, SETUP of each track over interleaved TCP ({@code RTP/AVP/TCP;unicast;interleaved=a-b;mode=record}) or
 * UDP ({@code RTP/AVP;unicast;client_port=a-b;mode=record}: two ports bound per track, {@link UdpPorts}), RECORD,
 * then RTP/RTCP (interleaved frames, or datagrams from the publisher's address) to a {@link Recording}, until
 * TEARDOWN, a close, or the session timeout without data or keep-alive (GET_PARAMETER, SET_PARAMETER, OPTIONS, or a
 * datagram). A track's UDP ports are released with the connection. Runs on the connection's event loop and never
 * blocks it: the media work is the recording's.
 *
 * <p>Answers: CSeq echoed on every answer (400 without one); a method out of order 455 Method Not Valid in This
 * State; a Session header naming another session 454; an unknown path or a stream name kvr does not take 404 or
 * 400 with the reason; a description that does not parse 400; no track kvr records 415; multicast or PLAY
 * transports 461 Unsupported Transport; no free UDP port pair 503; a stream that is a pulled camera (in the sources
 * catalog) 403 with the reason; an ANNOUNCE without the right to publish the stream 401, 400 or 403 as
 * {@link PublishAuthentication} decides (SETUP and RECORD of the session are not checked again); a stream another publisher
 * records now 503 Service Unavailable, reason "Stream Already Published" (RFC 2326 has no 409 Conflict; 503 says
 * it may work later, when the other publisher stops).
 */
final class PublishSession extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(PublishSession.class);
    static final HttpResponseStatus ALREADY_PUBLISHED = new HttpResponseStatus(503, "Stream Already Published");
    static final String PUBLIC_METHODS = "OPTIONS, ANNOUNCE, SETUP, RECORD, TEARDOWN, GET_PARAMETER, SET_PARAMETER";
    private static final Pattern INTERLEAVED = Pattern.compile("(?i)interleaved=(\\d{1,3})(?:-(\\d{1,3}))?(?![0-9-])");
    private static final Pattern CSEQ = Pattern.compile("\\s*\\d{1,9}\\s*");
    private static final Pattern CLIENT_PORT = Pattern.compile("(?i)client_port=(\\d{1,5})(?:-(\\d{1,5}))?");
    private static final SecureRandom RANDOM = new SecureRandom();

    private enum State {
        INIT,
        ANNOUNCED,
        READY,
        RECORDING
    }

    private final RtspServerSettings settings;
    private final PublishedPaths paths;
    private final Recording.Starter starter;
    private final PublishAuthentication authentication;
    private final UdpPorts udpPorts;
    private final Predicate<StreamName> pulledCameras;
    private final String sessionId;
    private State state = State.INIT;
    private StreamName stream;
    private String announcedUrl;
    private String announcedPath;
    private String publisher;
    private AnnouncedMedia media;
    /** Per interleaved channel: RTP of track i (i), RTCP of track i (-2 - i), or nothing (-1). */
    private final int[] channels = new int[256];

    private boolean[] setUp;
    private Recording recording;
    private ChannelHandlerContext ctx;
    private Publication publication;
    /** UDP ports bound for tracks; SETUPs whose ports are being bound; when the last datagram came. */
    private final List<UdpPorts.Pair> udp = new ArrayList<>();

    private int udpBinding;
    private long lastDatagramNanos;
    private boolean foreignLogged;
    private boolean closed;

    PublishSession(
            RtspServerSettings settings,
            PublishedPaths paths,
            PublishAuthentication authentication,
            Recording.Starter starter,
            UdpPorts udpPorts,
            Predicate<StreamName> pulledCameras) {
        this.settings = settings;
        this.paths = paths;
        this.authentication = authentication;
        this.starter = starter;
        this.udpPorts = udpPorts;
        this.pulledCameras = pulledCameras;
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        this.sessionId = HexFormat.of().formatHex(id);
        Arrays.fill(channels, -1);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            switch (msg) {
                case InterleavedFrame frame -> frame(frame);
                case FullHttpRequest request -> request(request);
                // what the RTSP decoder could not read as a request (it reads a broken start line as a response)
                case HttpMessage m
                when !m.decoderResult().isSuccess() ->
                    answerAndClose(null, RtspResponseStatuses.BAD_REQUEST, "malformed request");
                default -> ctx.close();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void frame(InterleavedFrame frame) {
        if (state == State.RECORDING) {
            recording.offer(frame);
        }
        // before RECORD there is nothing to record: RFC 7826 14 lets a receiver drop such frames
    }

    private void request(FullHttpRequest request) {
        String cseq = request.headers().get(RtspHeaderNames.CSEQ);
        if (!request.decoderResult().isSuccess()) {
            answerAndClose(cseq, RtspResponseStatuses.BAD_REQUEST, "malformed request");
            return;
        }
        if (cseq == null || cseq.isBlank()) {
            answerAndClose(null, RtspResponseStatuses.BAD_REQUEST, "no CSeq header");
            return;
        }
        // RFC 7826 18.20: one CSeq of 1 to 9 digits
        if (!CSEQ.matcher(cseq).matches()
                || request.headers().getAll(RtspHeaderNames.CSEQ).size() > 1) {
            answerAndClose(null, RtspResponseStatuses.BAD_REQUEST, "CSeq is not one number of 1 to 9 digits");
            return;
        }
        if (!request.protocolVersion().equals(RtspVersions.RTSP_1_0)) {
            answerAndClose(cseq, RtspResponseStatuses.RTSP_VERSION_NOT_SUPPORTED, "RTSP/1.0 only");
            return;
        }
        String session = request.headers().get(RtspHeaderNames.SESSION);
        if (session != null && !sessionIdOf(session).equals(sessionId)) {
            answer(cseq, RtspResponseStatuses.SESSION_NOT_FOUND, null);
            return;
        }
        HttpMethod method = request.method();
        if (method.equals(RtspMethods.OPTIONS)) {
            FullHttpResponse r = response(cseq, RtspResponseStatuses.OK);
            r.headers().set(RtspHeaderNames.PUBLIC, PUBLIC_METHODS);
            send(r, false);
        } else if (method.equals(RtspMethods.ANNOUNCE)) {
            announce(request, method, cseq);
        } else if (method.equals(RtspMethods.SETUP)) {
            setup(request, cseq);
        } else if (method.equals(RtspMethods.RECORD)) {
            record(cseq);
        } else if (method.equals(RtspMethods.TEARDOWN)) {
            FullHttpResponse r = response(cseq, RtspResponseStatuses.OK);
            send(r, true);
        } else if (method.equals(RtspMethods.GET_PARAMETER) || method.equals(RtspMethods.SET_PARAMETER)) {
            // keep-alive (RFC 2326 10.8, 10.9): reading the request already reset the idle timer
            FullHttpResponse r = response(cseq, RtspResponseStatuses.OK);
            if (state != State.INIT) {
                r.headers().set(RtspHeaderNames.SESSION, sessionHeader());
            }
            send(r, false);
        } else {
            FullHttpResponse r = response(cseq, RtspResponseStatuses.METHOD_NOT_ALLOWED);
            r.headers().set(RtspHeaderNames.ALLOW, PUBLIC_METHODS);
            send(r, false);
        }
    }

    private void announce(FullHttpRequest request, HttpMethod method, String cseq) {
        if (state != State.INIT) {
            answer(cseq, RtspResponseStatuses.METHOD_NOT_VALID, "already announced");
            return;
        }
        URI uri = uri(request.uri());
        List<String> segments = uri == null ? List.of() : segments(uri.getRawPath());
        if (segments.size() != 2) {
            answer(cseq, RtspResponseStatuses.NOT_FOUND, "publish to rtsp://host:port/{app}/{stream}");
            return;
        }
        StreamName name;
        try {
            name = new StreamName(segments.get(0), segments.get(1));
        } catch (IllegalArgumentException e) {
            answer(cseq, RtspResponseStatuses.BAD_REQUEST, e.getMessage());
            return;
        }
        PublishAuthentication.Decision decision = authentication.check(
                method.name(), request.uri(), request.headers().get(HttpHeaderNames.AUTHORIZATION), name);
        if (decision instanceof PublishAuthentication.Refused refused) {
            FullHttpResponse r = response(
                    cseq, RtspResponses.withReason(HttpResponseStatus.valueOf(refused.status()), refused.reason()));
            refused.challenges().forEach(c -> r.headers().add(HttpHeaderNames.WWW_AUTHENTICATE, c));
            send(r, false);
            return;
        }
        if (pulledCameras.test(name)) {
            // one source per stream: a pulled camera's recording would interleave with the push
            answer(cseq, RtspResponseStatuses.FORBIDDEN, name + " is a pulled camera");
            return;
        }
        String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (!type.toLowerCase(Locale.ROOT).strip().startsWith("application/sdp")) {
            answer(cseq, RtspResponseStatuses.UNSUPPORTED_MEDIA_TYPE, "ANNOUNCE needs an application/sdp body");
            return;
        }
        ByteBuf body = request.content();
        AnnouncedMedia announced;
        try {
            byte[] sdp = ByteBufUtil.getBytes(body);
            announced = AnnouncedMedia.of(SessionDescription.parse(sdp, 0, sdp.length));
        } catch (RtpFormatException e) {
            answer(cseq, RtspResponseStatuses.BAD_REQUEST, "session description: " + e.getMessage());
            return;
        }
        if (announced.tracks().isEmpty()) {
            answer(
                    cseq,
                    RtspResponseStatuses.UNSUPPORTED_MEDIA_TYPE,
                    "no track kvr records (H.264, H.265, MPEG-4 Part 2, AAC, G.711, Opus); got " + announced.ignored());
            return;
        }
        Publication claimed = new Publication(
                name,
                remote(),
                Secrets.redactUrl(uri.toString()),
                System.currentTimeMillis(),
                () -> ctx.channel().close());
        if (!paths.claim(claimed)) {
            answer(cseq, ALREADY_PUBLISHED, null);
            return;
        }
        publication = claimed;
        stream = name;
        announcedUrl = uri.toString();
        announcedPath = uri.getRawPath();
        media = announced;
        publisher = ((PublishAuthentication.Allowed) decision).who();
        setUp = new boolean[announced.tracks().size()];
        state = State.ANNOUNCED;
        if (!announced.ignored().isEmpty()) {
            log.info("pushed stream {}: not recorded: {}", name, announced.ignored());
        }
        FullHttpResponse r = response(cseq, RtspResponseStatuses.OK);
        r.headers().set(RtspHeaderNames.SESSION, sessionHeader());
        send(r, false);
    }

    private void setup(FullHttpRequest request, String cseq) {
        if (state != State.ANNOUNCED && state != State.READY) {
            answer(cseq, RtspResponseStatuses.METHOD_NOT_VALID, "SETUP follows ANNOUNCE, before RECORD");
            return;
        }
        // over TLS the media go on the connection only: UDP would carry them in clear beside it
        boolean secure = ctx.pipeline().get(SslHandler.class) != null;
        RequestedTransport transport =
                RequestedTransport.first(request.headers().get(RtspHeaderNames.TRANSPORT, ""), !secure);
        if (transport == null) {
            answer(
                    cseq,
                    RtspResponseStatuses.UNSUPPORTED_TRANSPORT,
                    "only RTP/AVP/TCP;unicast;interleaved=a-b;mode=record or RTP/AVP;unicast;client_port=a-b;mode=record");
            return;
        }
        int rtp;
        int rtcp;
        if (transport.udp()) {
            // the recording's channel map numbers UDP tracks too: the highest free pair, clear of what clients pick
            rtp = -1;
            for (int c = 254; c >= 0 && rtp < 0; c -= 2) {
                if (channels[c] == -1 && channels[c + 1] == -1) {
                    rtp = c;
                }
            }
            rtcp = rtp + 1;
            if (rtp < 0) {
                answer(cseq, RtspResponseStatuses.UNSUPPORTED_TRANSPORT, "too many tracks");
                return;
            }
        } else {
            rtp = transport.first();
            rtcp = transport.second();
            if (rtp > 255 || rtcp > 255 || rtp == rtcp || channels[rtp] != -1 || channels[rtcp] != -1) {
                answer(cseq, RtspResponseStatuses.UNSUPPORTED_TRANSPORT, "interleaved channels taken or out of 0..255");
                return;
            }
        }
        URI uri = uri(request.uri());
        int track = uri == null ? -1 : trackOf(uri);
        if (track < 0) {
            answer(cseq, RtspResponseStatuses.NOT_FOUND, "no announced track at this URL");
            return;
        }
        if (setUp[track]) {
            answer(cseq, RtspResponseStatuses.METHOD_NOT_VALID, "track already set up");
            return;
        }
        setUp[track] = true;
        channels[rtp] = track;
        channels[rtcp] = -2 - track;
        if (transport.udp()) {
            bindUdp(cseq, track, rtp, transport);
            return;
        }
        state = State.READY;
        FullHttpResponse r = response(cseq, RtspResponseStatuses.OK);
        r.headers().set(RtspHeaderNames.SESSION, sessionHeader());
        r.headers()
                .set(RtspHeaderNames.TRANSPORT, "RTP/AVP/TCP;unicast;interleaved=" + rtp + "-" + rtcp + ";mode=record");
        send(r, false);
    }

    /** Binds the track's two ports, then answers the SETUP; datagrams count from RECORD on. */
    private void bindUdp(String cseq, int track, int channel, RequestedTransport transport) {
        InetAddress from = remoteAddress();
        if (from == null) {
            answer(cseq, RtspResponseStatuses.UNSUPPORTED_TRANSPORT, "UDP needs a publisher with an IP address");
            return;
        }
        udpBinding++;
        UdpReceiver receiver = new UdpReceiver();
        Future<UdpPorts.Pair> bound = udpPorts.bind(
                ctx.channel().eventLoop(),
                () -> new DatagramReceiver(channel, from, receiver),
                () -> new DatagramReceiver(channel + 1, from, receiver));
        bound.addListener(done -> {
            udpBinding--;
            if (!bound.isSuccess()) {
                setUp[track] = false;
                channels[channel] = -1;
                channels[channel + 1] = -1;
                if (!closed) {
                    log.warn(
                            "pushed stream {}: cannot bind UDP ports: {}",
                            stream,
                            bound.cause().getMessage());
                    answer(
                            cseq,
                            RtspResponseStatuses.SERVICE_UNAVAILABLE,
                            bound.cause().getMessage());
                }
                return;
            }
            UdpPorts.Pair pair = bound.getNow();
            if (closed) {
                pair.close();
                return;
            }
            udp.add(pair);
            lastDatagramNanos = System.nanoTime();
            state = State.READY;
            FullHttpResponse r = response(cseq, RtspResponseStatuses.OK);
            r.headers().set(RtspHeaderNames.SESSION, sessionHeader());
            r.headers()
                    .set(
                            RtspHeaderNames.TRANSPORT,
                            "RTP/AVP;unicast;client_port=" + transport.first() + "-" + transport.second()
                                    + ";server_port=" + pair.rtpPort() + "-" + pair.rtcpPort() + ";mode=record");
            send(r, false);
        });
    }

    /**
     * The transport of a SETUP kvr takes: interleaved TCP ({@code first}-{@code second} the channels) or UDP (the
     * publisher's ports), unicast, record.
     */
    record RequestedTransport(boolean udp, int first, int second) {
        /** RFC 2326 12.39: the first transport of the list the server takes wins; null when it takes none. */
        static RequestedTransport first(String header) {
            return first(header, true);
        }

        /** As {@link #first(String)}, skipping UDP transports unless {@code udp}. */
        static RequestedTransport first(String header, boolean udp) {
            for (String spec : header.split(",")) {
                RequestedTransport t = parse(spec.strip());
                if (t != null && (udp || !t.udp())) {
                    return t;
                }
            }
            return null;
        }

        private static RequestedTransport parse(String spec) {
            String lower = spec.toLowerCase(Locale.ROOT);
            if (lower.contains("multicast") || (lower.contains("mode=") && !lower.matches(".*mode=\"?record\"?.*"))) {
                return null;
            }
            String protocol = lower.split(";", 2)[0].strip();
            if (protocol.equals("rtp/avp/tcp")) {
                Matcher m = INTERLEAVED.matcher(spec);
                if (!m.find()) {
                    return null;
                }
                int rtp = Integer.parseInt(m.group(1));
                return new RequestedTransport(false, rtp, m.group(2) == null ? rtp + 1 : Integer.parseInt(m.group(2)));
            }
            if (protocol.equals("rtp/avp") || protocol.equals("rtp/avp/udp")) {
                Matcher m = CLIENT_PORT.matcher(spec);
                if (!m.find()) {
                    return null;
                }
                int rtp = Integer.parseInt(m.group(1));
                int rtcp = m.group(2) == null ? rtp + 1 : Integer.parseInt(m.group(2));
                return rtp < 1 || rtcp < 1 || rtp > 65535 || rtcp > 65535
                        ? null
                        : new RequestedTransport(true, rtp, rtcp);
            }
            return null;
        }
    }

    private void record(String cseq) {
        if (state != State.READY || udpBinding > 0) {
            answer(cseq, RtspResponseStatuses.METHOD_NOT_VALID, "RECORD follows ANNOUNCE and SETUP");
            return;
        }
        List<AnnouncedTrack> tracks = new ArrayList<>();
        int[] map = channels.clone();
        int[] renumber = new int[setUp.length];
        for (int i = 0; i < setUp.length; i++) {
            renumber[i] = -1;
            if (setUp[i]) {
                AnnouncedTrack t = media.tracks().get(i);
                renumber[i] = tracks.size();
                tracks.add(new AnnouncedTrack(
                        renumbered(t.track(), tracks.size()),
                        t.payloadType(),
                        t.clockRate(),
                        t.control(),
                        t.depacketizers()));
            }
        }
        for (int c = 0; c < map.length; c++) {
            if (map[c] >= 0) {
                map[c] = renumber[map[c]];
            } else if (map[c] < -1) {
                map[c] = -2 - renumber[-2 - map[c]];
            }
        }
        String transport = udp.isEmpty() ? CameraConfig.TCP : CameraConfig.UDP;
        CameraConfig camera = new CameraConfig(stream, announcedUrl, transport, settings.clock());
        recording = starter.start(camera, tracks, map, new ChannelControl());
        state = State.RECORDING;
        publication.recording(transport);
        log.info(
                "pushed stream {} from {} ({}): recording {} track(s) over {}",
                stream,
                remote(),
                publisher,
                tracks.size(),
                transport);
        FullHttpResponse r = response(cseq, RtspResponseStatuses.OK);
        r.headers().set(RtspHeaderNames.SESSION, sessionHeader());
        send(r, false);
    }

    private static io.kvr.bridge.rtsp.SourceTrack renumbered(io.kvr.bridge.rtsp.SourceTrack t, int index) {
        return new io.kvr.bridge.rtsp.SourceTrack(
                index,
                t.codec(),
                t.video(),
                t.timebaseNum(),
                t.timebaseDen(),
                t.width(),
                t.height(),
                t.sampleRate(),
                t.channels(),
                t.extradata(),
                t.frameRateNum(),
                t.frameRateDen());
    }

    /** The announced track SETUP names: by its control URL, or the only track when the URL is the stream's. */
    private int trackOf(URI uri) {
        String url = uri.toString();
        String path = uri.getRawPath();
        List<AnnouncedTrack> tracks = media.tracks();
        for (int i = 0; i < tracks.size(); i++) {
            String control = tracks.get(i).control();
            if (control.isEmpty() || control.equals("*")) {
                continue;
            }
            String resolved = io.kvr.media.sdp.ControlUrl.resolve(announcedUrl, control);
            URI r = uri(resolved);
            if (resolved.equals(url) || (r != null && path != null && path.equals(r.getRawPath()))) {
                return i;
            }
        }
        boolean sameStream = path != null && stripSlash(path).equals(stripSlash(announcedPath));
        return tracks.size() == 1 && sameStream ? 0 : -1;
    }

    private static String stripSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private String sessionHeader() {
        return sessionId + ";timeout=" + settings.sessionTimeout().toSeconds();
    }

    /** RFC 2326 12.37: the session id before any {@code ;timeout=}. */
    private static String sessionIdOf(String header) {
        int semi = header.indexOf(';');
        return (semi < 0 ? header : header.substring(0, semi)).strip();
    }

    private static URI uri(String text) {
        try {
            URI uri = new URI(text);
            return uri.getRawPath() == null ? null : uri;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private FullHttpResponse response(String cseq, HttpResponseStatus status) {
        return RtspResponses.of(cseq, status);
    }

    /** An error answer; {@code reason}, when given, replaces the standard reason phrase so the publisher logs it. */
    private void answer(String cseq, HttpResponseStatus status, String reason) {
        send(response(cseq, RtspResponses.withReason(status, reason)), false);
    }

    private void answerAndClose(String cseq, HttpResponseStatus status, String reason) {
        send(response(cseq, RtspResponses.withReason(status, reason)), true);
    }

    private void send(FullHttpResponse r, boolean close) {
        RtspResponses.send(ctx, r, close);
    }

    private InetAddress remoteAddress() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress i ? i.getAddress() : null;
    }

    private String remote() {
        return RtspResponses.address(ctx.channel().remoteAddress());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (!udp.isEmpty()
                    && System.nanoTime() - lastDatagramNanos
                            < settings.sessionTimeout().toNanos()) {
                return; // RFC 7826 A.2: media the publisher sends keeps its session alive too
            }
            log.info(
                    "rtsp connection from {}{}: no data or keep-alive for {} s; closing",
                    remote(),
                    stream == null ? "" : " (" + stream + ")",
                    settings.sessionTimeout().toSeconds());
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException) {
            log.info(
                    "rtsp connection from {}{}: {}; closing",
                    remote(),
                    stream == null ? "" : " (" + stream + ")",
                    cause.getMessage());
        } else {
            log.warn("rtsp connection from {}: closing", remote(), cause);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closed = true;
        udp.forEach(UdpPorts.Pair::close);
        udp.clear();
        if (recording != null) {
            recording.close();
            recording = null;
            log.info("pushed stream {} from {}: publisher gone", stream, remote());
        }
        if (publication != null) {
            paths.release(publication);
        }
        super.channelInactive(ctx);
    }

    /** What the recording's thread may do to the connection. */
    private final class ChannelControl implements PushedStream.Connection {
        @Override
        public void autoRead(boolean on) {
            ctx.channel().config().setAutoRead(on);
        }

        @Override
        public void fail(String reason) {
            publication.failed(reason);
            ctx.channel().close();
        }

        @Override
        public void published(int payloadBytes) {
            publication.unitPublished(payloadBytes);
        }

        @Override
        public void sessionStarted() {
            publication.sessionStarted();
        }
    }

    /** Datagrams of the tracks set up over UDP; on the connection's event loop, as its frames. */
    private final class UdpReceiver implements DatagramReceiver.Sink {
        @Override
        public void datagram(InterleavedFrame frame) {
            lastDatagramNanos = System.nanoTime();
            frame(frame);
        }

        @Override
        public void foreign(InetSocketAddress sender) {
            publication.foreignDatagram();
            if (!foreignLogged) {
                foreignLogged = true;
                log.warn(
                        "pushed stream {}: dropping UDP datagrams from {}, not the publisher (counted)",
                        stream,
                        sender == null ? "?" : sender.getAddress().getHostAddress());
            }
        }
    }
}
