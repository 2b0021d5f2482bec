package io.kvr.bridge.rtspserver;

import io.kvr.media.sdp.PayloadFormat;
import io.kvr.media.sdp.RelayDescription;
import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.StreamInfo;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspMethods;
import io.netty.handler.codec.rtsp.RtspResponseStatuses;
import io.netty.handler.codec.rtsp.RtspVersions;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTSP connection of a player watching a stream live (RFC 2326; RFC 7826 where it agrees): DESCRIBE answers
 * the session description of the stream's latest ingest session ({@link RelayDescription}), SETUP takes each track
 * over interleaved TCP ({@code RTP/AVP/TCP;interleaved=a-b}) or UDP ({@code RTP/AVP;unicast;client_port=a-b}, two
 * server ports per track), PLAY starts the {@link RelayViewer} from the stream's latest keyframe, PAUSE stops it,
 * TEARDOWN ends the session; GET_PARAMETER, SET_PARAMETER and OPTIONS are keep-alives, as are the player's RTCP
 * packets. Runs on the connection's event loop and never blocks it: the stream's session is learnt from its
 * {@link LiveFeed} asynchronously, with the connection's reads paused meanwhile.
 *
 * <p>Answers: CSeq echoed (400 without); 401 with a Basic challenge or 403 per {@link ViewerAccess}; 404 with the
 * reason for a URL that names no stream or track, or a stream with no live session; 454 for another session's id;
 * 453 with {@code rtsp.max.viewers} players on this instance already; 455 for a method out of order (or a second
 * stream on one connection); 461 for a transport kvr does not send (multicast, record, TCP and UDP mixed, UDP over
 * TLS). Ending a played stream (TEARDOWN, the live session's end, other tracks) sends each track's RTCP BYE.
 */
final class PlaySession extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(PlaySession.class);
    static final String PUBLIC_METHODS =
            "OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER";
    private static final Pattern INTERLEAVED = Pattern.compile("(?i)interleaved=(\\d{1,3})(?:-(\\d{1,3}))?");
    private static final Pattern CLIENT_PORT = Pattern.compile("(?i)client_port=(\\d{1,5})(?:-(\\d{1,5}))?");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** How often each track gets an RTCP sender report (RFC 3550 6.2 suggests 5 s at least between reports). */
    static final long REPORT_EVERY_MS = 5000;
    /** Bytes queued on a player's connection before it counts as behind (a few keyframes of a 4K stream). */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(1024 * 1024, 4 * 1024 * 1024);

    private enum State {
        INIT,
        READY,
        PLAYING
    }

    private enum Transport {
        NONE,
        TCP,
        UDP
    }

    private final RtspServerSettings settings;
    private final LiveFeeds feeds;
    private final ViewerAccess access;
    private final String sessionId;
    private ChannelHandlerContext ctx;
    private State state = State.INIT;
    private StreamName stream;
    private LiveFeed feed;
    private StreamInfo info;
    private List<RelayTrack> tracks = List.of();
    private TrackOutput[] outputs = new TrackOutput[0];
    private Transport transport = Transport.NONE;
    private final boolean[] channelsTaken = new boolean[256];
    private final List<Channel> datagrams = new ArrayList<>();
    private String baseUrl;
    private RelayViewer viewer;
    private ScheduledFuture<?> reports;
    private long lastRtcpMs;
    private boolean waiting;

    PlaySession(RtspServerSettings settings, LiveFeeds feeds, ViewerAccess access) {
        this.settings = settings;
        this.feeds = feeds;
        this.access = access;
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        this.sessionId = HexFormat.of().formatHex(id);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            switch (msg) {
                case InterleavedFrame frame -> lastRtcpMs = System.currentTimeMillis(); // a receiver report
                case FullHttpRequest request -> request(request);
                default -> ctx.close();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
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
        if (waiting) {
            // a request pipelined behind one still waiting for the stream: RFC 2326 has no queue to promise
            answer(cseq, RtspResponseStatuses.SERVICE_UNAVAILABLE, "the previous request is still under way");
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
        } else if (method.equals(RtspMethods.DESCRIBE)) {
            describe(request, cseq);
        } else if (method.equals(RtspMethods.SETUP)) {
            setup(request, cseq);
        } else if (method.equals(RtspMethods.PLAY)) {
            play(cseq);
        } else if (method.equals(RtspMethods.PAUSE)) {
            pause(cseq);
        } else if (method.equals(RtspMethods.TEARDOWN)) {
            if (viewer != null && state == State.PLAYING) {
                viewer.goodbye(RelayViewer.BYE_TEARDOWN);
            }
            send(response(cseq, RtspResponseStatuses.OK), true);
        } else if (method.equals(RtspMethods.GET_PARAMETER) || method.equals(RtspMethods.SET_PARAMETER)) {
            // keep-alive (RFC 2326 10.8, 10.9): reading the request already reset the idle timer
            FullHttpResponse r = response(cseq, RtspResponseStatuses.OK);
            if (state != State.INIT) {
                r.headers().set(RtspHeaderNames.SESSION, sessionHeader());
            }
            send(r, false);
        } else if (method.equals(RtspMethods.ANNOUNCE) || method.equals(RtspMethods.RECORD)) {
            answer(cseq, RtspResponseStatuses.METHOD_NOT_VALID, "this connection plays a stream");
        } else {
            FullHttpResponse r = response(cseq, RtspResponseStatuses.METHOD_NOT_ALLOWED);
            r.headers().set(RtspHeaderNames.ALLOW, PUBLIC_METHODS);
            send(r, false);
        }
    }

    // --- DESCRIBE

    private void describe(FullHttpRequest request, String cseq) {
        URI uri = uri(request.uri());
        List<String> segments = uri == null ? List.of() : segments(uri.getRawPath());
        if (segments.size() != 2) {
            answer(cseq, RtspResponseStatuses.NOT_FOUND, "play rtsp://host:port/{app}/{stream}");
            return;
        }
        withStream(uri, request.headers().get(HttpHeaderNames.AUTHORIZATION), segments, cseq, () -> {
            List<PayloadFormat> formats = new ArrayList<>();
            tracks.forEach(t -> formats.add(t.format()));
            String host = localHost();
            byte[] sdp = RelayDescription.of(Math.max(0, info.getStartedAtMs()), host, stream.id(), formats)
                    .format()
                    .getBytes(StandardCharsets.UTF_8);
            FullHttpResponse r = new DefaultFullHttpResponse(
                    RtspVersions.RTSP_1_0, RtspResponseStatuses.OK, Unpooled.wrappedBuffer(sdp));
            r.headers().set(RtspHeaderNames.CSEQ, cseq);
            r.headers().set(RtspHeaderNames.SERVER, RtspResponses.SERVER);
            r.headers().set(RtspHeaderNames.CONTENT_TYPE, "application/sdp");
            r.headers().set(RtspHeaderNames.CONTENT_BASE, baseUrl);
            r.headers().set(RtspHeaderNames.CONTENT_LENGTH, sdp.length);
            send(r, false);
        });
    }

    /**
     * Runs {@code then} once the connection's stream is known to be live: at once when it is, else after the
     * access check and the stream's {@link LiveFeed} caught up with the topic (reads paused meanwhile).
     */
    private void withStream(URI uri, String authorization, List<String> segments, String cseq, Runnable then) {
        StreamName name;
        try {
            name = new StreamName(segments.get(0), segments.get(1));
        } catch (IllegalArgumentException e) {
            answer(cseq, RtspResponseStatuses.BAD_REQUEST, e.getMessage());
            return;
        }
        if (feed != null) {
            if (!name.equals(stream)) {
                answer(cseq, RtspResponseStatuses.METHOD_NOT_VALID, "this session plays " + stream);
                return;
            }
            then.run();
            return;
        }
        if (access.check(uri, authorization, name) instanceof ViewerAccess.Refused refused) {
            log.info("rtsp player {} refused {}: {}", remote(), name, refused.reason());
            FullHttpResponse r = response(cseq, status(refused.status(), refused.reason()));
            if (refused.status() == 401) {
                r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, ViewerAccess.CHALLENGE);
            }
            send(r, false);
            return;
        }
        LiveFeed f;
        try {
            f = feeds.acquire(name);
        } catch (LiveFeeds.Full e) {
            // RFC 2326 11.3.12 (RFC 7826 17.4.11): the server cannot take one more stream now
            log.info("rtsp player {} refused {}: {}", remote(), name, e.getMessage());
            answer(cseq, RtspResponseStatuses.NOT_ENOUGH_BANDWIDTH, "too many viewers, try later");
            return;
        } catch (IllegalStateException e) {
            answer(cseq, RtspResponseStatuses.SERVICE_UNAVAILABLE, "the server is shutting down");
            return;
        }
        feed = f;
        stream = name;
        baseUrl = baseUrl(uri, name);
        waiting = true;
        ctx.channel().config().setAutoRead(false);
        f.ready()
                .whenComplete((found, error) -> ctx.executor().execute(() -> {
                    waiting = false;
                    ctx.channel().config().setAutoRead(true);
                    if (!ctx.channel().isActive() || feed != f) {
                        return;
                    }
                    Optional<StreamInfo> session = error == null ? found : Optional.empty();
                    List<RelayTrack> relayed = session.map(RelayTrack::of).orElse(List.of());
                    if (session.isEmpty() || relayed.isEmpty()) {
                        feeds.release(f);
                        feed = null;
                        stream = null;
                        answer(
                                cseq,
                                RtspResponseStatuses.NOT_FOUND,
                                session.isEmpty() ? name + " is not live" : name + " has no track the relay can send");
                        return;
                    }
                    info = session.get();
                    tracks = relayed;
                    outputs = new TrackOutput[relayed.size()];
                    then.run();
                }));
    }

    private String baseUrl(URI uri, StreamName name) {
        String host = uri.getHost() != null ? uri.getHost() : localHost();
        int port = uri.getPort() > 0 ? uri.getPort() : settings.port();
        return (secure() ? "rtsps://" : "rtsp://") + host + ":" + port + "/" + name.id() + "/";
    }

    /** RTSP over TLS: the media go interleaved on the connection, never as UDP beside it in clear. */
    private boolean secure() {
        return ctx.pipeline().get(SslHandler.class) != null;
    }

    // --- SETUP

    private void setup(FullHttpRequest request, String cseq) {
        if (state == State.PLAYING) {
            answer(cseq, RtspResponseStatuses.METHOD_NOT_VALID, "SETUP before PLAY");
            return;
        }
        URI uri = uri(request.uri());
        List<String> segments = uri == null ? List.of() : segments(uri.getRawPath());
        if (segments.size() < 2 || segments.size() > 3) {
            answer(cseq, RtspResponseStatuses.NOT_FOUND, "no track at this URL");
            return;
        }
        String transportHeader = request.headers().get(RtspHeaderNames.TRANSPORT, "");
        String url = uri.getRawPath();
        withStream(uri, request.headers().get(HttpHeaderNames.AUTHORIZATION), segments, cseq, () -> {
            OptionalInt named = RelayDescription.trackOf(url);
            int track = named.isPresent() ? named.getAsInt() : (segments.size() == 2 && tracks.size() == 1 ? 0 : -1);
            if (track < 0 || track >= tracks.size() || (segments.size() == 3 && named.isEmpty())) {
                answer(cseq, RtspResponseStatuses.NOT_FOUND, "no track at this URL");
                return;
            }
            if (outputs[track] != null) {
                answer(cseq, RtspResponseStatuses.METHOD_NOT_VALID, "track already set up");
                return;
            }
            transport(cseq, track, transportHeader);
        });
    }

    /** Takes the first transport offered that kvr sends (RFC 2326 12.39). */
    private void transport(String cseq, int track, String header) {
        for (String offer : header.split(",")) {
            String lower = offer.strip().toLowerCase(Locale.ROOT);
            if (lower.contains("multicast") || lower.matches(".*mode=\"?record\"?.*")) {
                continue;
            }
            if (lower.startsWith("rtp/avp/tcp") && transport != Transport.UDP) {
                interleaved(cseq, track, offer);
                return;
            }
            Matcher ports = CLIENT_PORT.matcher(offer);
            if ((lower.startsWith("rtp/avp;") || lower.startsWith("rtp/avp/udp"))
                    && ports.find()
                    && transport != Transport.TCP
                    && !secure()) {
                int rtp = Integer.parseInt(ports.group(1));
                int rtcp = ports.group(2) == null ? rtp + 1 : Integer.parseInt(ports.group(2));
                if (rtp < 1 || rtp > 65535 || rtcp < 1 || rtcp > 65535) {
                    break;
                }
                udp(cseq, track, rtp, rtcp);
                return;
            }
        }
        answer(
                cseq,
                RtspResponseStatuses.UNSUPPORTED_TRANSPORT,
                "RTP/AVP/TCP;unicast;interleaved=a-b or RTP/AVP;unicast;client_port=a-b, one of them per session");
    }

    private void interleaved(String cseq, int track, String offer) {
        Matcher m = INTERLEAVED.matcher(offer);
        int rtp;
        int rtcp;
        if (m.find()) {
            rtp = Integer.parseInt(m.group(1));
            rtcp = m.group(2) == null ? rtp + 1 : Integer.parseInt(m.group(2));
        } else {
            rtp = 2 * track;
            rtcp = rtp + 1;
        }
        if (rtp > 255 || rtcp > 255 || rtp == rtcp || channelsTaken[rtp] || channelsTaken[rtcp]) {
            answer(cseq, RtspResponseStatuses.UNSUPPORTED_TRANSPORT, "interleaved channels taken or out of 0..255");
            return;
        }
        channelsTaken[rtp] = true;
        channelsTaken[rtcp] = true;
        ChannelHandlerContext frames = ctx.pipeline().context(InterleavedFrameDecoder.class);
        outputs[track] = new TrackOutput.Interleaved(frames == null ? ctx : frames, rtp, rtcp);
        transport = Transport.TCP;
        state = State.READY;
        FullHttpResponse r = response(cseq, RtspResponseStatuses.OK);
        r.headers().set(RtspHeaderNames.SESSION, sessionHeader());
        r.headers().set(RtspHeaderNames.TRANSPORT, "RTP/AVP/TCP;unicast;interleaved=" + rtp + "-" + rtcp);
        send(r, false);
    }

    private void udp(String cseq, int track, int clientRtp, int clientRtcp) {
        if (!(ctx.channel().remoteAddress() instanceof InetSocketAddress remote)
                || !(ctx.channel().localAddress() instanceof InetSocketAddress local)) {
            answer(cseq, RtspResponseStatuses.UNSUPPORTED_TRANSPORT, "UDP needs an IP connection");
            return;
        }
        InetAddress player = remote.getAddress();
        Bootstrap b = new Bootstrap()
                .group(ctx.channel().eventLoop())
                .channel(
                        ctx.channel() instanceof EpollSocketChannel
                                ? EpollDatagramChannel.class
                                : NioDatagramChannel.class)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .handler(new PlayerReports());
        ChannelFuture rtp = b.bind(local.getAddress(), 0);
        ChannelFuture rtcp = b.bind(local.getAddress(), 0);
        datagrams.add(rtp.channel());
        datagrams.add(rtcp.channel());
        waiting = true;
        ctx.channel().config().setAutoRead(false);
        rtp.addListener(a -> rtcp.addListener(z -> {
            waiting = false;
            ctx.channel().config().setAutoRead(true);
            if (!ctx.channel().isActive()) {
                return;
            }
            if (!rtp.isSuccess() || !rtcp.isSuccess()) {
                Throwable cause = rtp.cause() != null ? rtp.cause() : rtcp.cause();
                log.warn("rtsp player {} of {}: cannot open UDP ports", remote(), stream, cause);
                closeDatagrams();
                answer(cseq, RtspResponseStatuses.INTERNAL_SERVER_ERROR, "no UDP port free");
                return;
            }
            outputs[track] = new TrackOutput.Datagrams(
                    rtp.channel(),
                    rtcp.channel(),
                    new InetSocketAddress(player, clientRtp),
                    new InetSocketAddress(player, clientRtcp));
            transport = Transport.UDP;
            state = State.READY;
            int serverRtp = ((InetSocketAddress) rtp.channel().localAddress()).getPort();
            int serverRtcp = ((InetSocketAddress) rtcp.channel().localAddress()).getPort();
            FullHttpResponse r = response(cseq, RtspResponseStatuses.OK);
            r.headers().set(RtspHeaderNames.SESSION, sessionHeader());
            r.headers()
                    .set(
                            RtspHeaderNames.TRANSPORT,
                            "RTP/AVP;unicast;client_port=" + clientRtp + "-" + clientRtcp + ";server_port=" + serverRtp
                                    + "-" + serverRtcp);
            send(r, false);
        }));
    }

    // --- PLAY, PAUSE

    private void play(String cseq) {
        if (state == State.INIT) {
            answer(cseq, RtspResponseStatuses.METHOD_NOT_VALID, "PLAY follows SETUP");
            return;
        }
        if (state == State.PLAYING) {
            FullHttpResponse r = response(cseq, RtspResponseStatuses.OK);
            r.headers().set(RtspHeaderNames.SESSION, sessionHeader());
            send(r, false);
            return;
        }
        if (viewer == null) {
            viewer = new RelayViewer(
                    feed,
                    ctx.channel().eventLoop(),
                    new Player(),
                    info,
                    tracks,
                    Arrays.asList(outputs),
                    "kvr-" + sessionId);
            ctx.channel().config().setWriteBufferWaterMark(WATER_MARK);
        } else {
            viewer.restart();
        }
        LiveFeed.Snapshot snapshot = feed.join(viewer);
        String rtpInfo = viewer.start(snapshot, baseUrl);
        state = State.PLAYING;
        FullHttpResponse r = response(cseq, RtspResponseStatuses.OK);
        r.headers().set(RtspHeaderNames.SESSION, sessionHeader());
        r.headers().set(RtspHeaderNames.RANGE, "npt=now-");
        r.headers().set(RtspHeaderNames.RTP_INFO, rtpInfo);
        send(r, false);
        viewer.sendCached(snapshot);
        RelayViewer v = viewer;
        reports = ctx.executor().scheduleAtFixedRate(v::senderReports, 1000, REPORT_EVERY_MS, TimeUnit.MILLISECONDS);
        log.info(
                "rtsp player {} plays {} over {} ({} of {} tracks)",
                remote(),
                stream,
                transport,
                Arrays.stream(outputs).filter(o -> o != null).count(),
                tracks.size());
    }

    private void pause(String cseq) {
        if (state == State.INIT) {
            answer(cseq, RtspResponseStatuses.METHOD_NOT_VALID, "PAUSE follows SETUP");
            return;
        }
        stopPlaying();
        state = State.READY;
        FullHttpResponse r = response(cseq, RtspResponseStatuses.OK);
        r.headers().set(RtspHeaderNames.SESSION, sessionHeader());
        send(r, false);
    }

    private void stopPlaying() {
        if (viewer != null) {
            feed.leave(viewer);
        }
        if (reports != null) {
            reports.cancel(false);
            reports = null;
        }
    }

    /** Reads the player's RTCP (and anything else) sent to the UDP ports: receiver reports keep the session. */
    @ChannelHandler.Sharable
    private final class PlayerReports extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext c, Object msg) {
            // RFC 2326 12.37: RTCP from the player counts as a keep-alive
            lastRtcpMs = System.currentTimeMillis();
            ReferenceCountUtil.release(msg);
        }
    }

    private void closeDatagrams() {
        for (Channel c : datagrams) {
            if (c.isRegistered()) {
                c.close();
            }
        }
        datagrams.clear();
    }

    /** What the viewer may do to this connection. */
    private final class Player implements RelayViewer.Player {
        @Override
        public void close(String why) {
            log.info("rtsp player {} of {}: {}; closing", remote(), stream, why);
            // after what is queued (the BYE): written past the RTSP encoder, as the media are
            ChannelHandlerContext frames = ctx.pipeline().context(InterleavedFrameDecoder.class);
            (frames == null ? ctx : frames)
                    .writeAndFlush(Unpooled.EMPTY_BUFFER)
                    .addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public String describe() {
            return "rtsp player " + remote() + " of " + stream;
        }
    }

    // --- answers

    private String sessionHeader() {
        return sessionId + ";timeout=" + settings.sessionTimeout().toSeconds();
    }

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

    private String localHost() {
        SocketAddress a = ctx.channel().localAddress();
        return a instanceof InetSocketAddress i ? i.getAddress().getHostAddress() : "127.0.0.1";
    }

    private FullHttpResponse response(String cseq, HttpResponseStatus status) {
        return RtspResponses.of(cseq, status);
    }

    private static HttpResponseStatus status(int code, String reason) {
        return RtspResponses.withReason(HttpResponseStatus.valueOf(code), reason);
    }

    private void answer(String cseq, HttpResponseStatus status, String reason) {
        send(response(cseq, RtspResponses.withReason(status, reason)), false);
    }

    private void answerAndClose(String cseq, HttpResponseStatus status, String reason) {
        send(response(cseq, RtspResponses.withReason(status, reason)), true);
    }

    private void send(FullHttpResponse r, boolean close) {
        RtspResponses.send(ctx, r, close);
    }

    private String remote() {
        return RtspResponses.address(ctx.channel().remoteAddress());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (System.currentTimeMillis() - lastRtcpMs
                    < settings.sessionTimeout().toMillis()) {
                return; // the player's RTCP over UDP keeps the session (RFC 2326 12.37)
            }
            log.info(
                    "rtsp player {}{}: no request or RTCP for {} s; closing",
                    remote(),
                    stream == null ? "" : " of " + stream,
                    settings.sessionTimeout().toSeconds());
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException) {
            log.info("rtsp player {}: {}; closing", remote(), cause.getMessage());
        } else {
            log.warn("rtsp player {}: closing", remote(), cause);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stopPlaying();
        closeDatagrams();
        if (feed != null) {
            feeds.release(feed);
            feed = null;
            if (state == State.PLAYING) {
                log.info("rtsp player {} of {} gone", remote(), stream);
            }
        }
        super.channelInactive(ctx);
    }
}
