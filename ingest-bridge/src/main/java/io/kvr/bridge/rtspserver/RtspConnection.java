package io.kvr.bridge.rtspserver;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspMethods;
import io.netty.handler.codec.rtsp.RtspResponseStatuses;
import io.netty.handler.codec.rtsp.RtspVersions;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of a connection's session: answers OPTIONS itself, and on the first request that tells (ANNOUNCE
 * or RECORD: a publisher; anything else: a player) puts the connection's session handler in its place and hands it
 * that request. Interleaved frames before then belong to no session and are dropped (RFC 7826 14).
 */
final class RtspConnection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RtspConnection.class);
    static final String PUBLIC_METHODS =
            "OPTIONS, DESCRIBE, PLAY, PAUSE, ANNOUNCE, SETUP, RECORD, TEARDOWN, GET_PARAMETER, SET_PARAMETER";

    private final Supplier<ChannelHandler> publishers;
    private final Supplier<ChannelHandler> players;

    RtspConnection(Supplier<ChannelHandler> publishers, Supplier<ChannelHandler> players) {
        this.publishers = publishers;
        this.players = players;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        HttpMethod method = request.method();
        String cseq = request.headers().get(RtspHeaderNames.CSEQ);
        if (method.equals(RtspMethods.OPTIONS) && request.decoderResult().isSuccess() && cseq != null) {
            // before any session, a Session header names none (RFC 7826 13.1)
            boolean unknownSession = request.headers().contains(RtspHeaderNames.SESSION);
            request.release();
            FullHttpResponse r = new DefaultFullHttpResponse(
                    RtspVersions.RTSP_1_0,
                    unknownSession ? RtspResponseStatuses.SESSION_NOT_FOUND : RtspResponseStatuses.OK);
            r.headers().set(RtspHeaderNames.CSEQ, cseq);
            r.headers().set(RtspHeaderNames.SERVER, RtspResponses.SERVER);
            r.headers().set(RtspHeaderNames.CONTENT_LENGTH, 0);
            r.headers().set(RtspHeaderNames.PUBLIC, PUBLIC_METHODS);
            ctx.writeAndFlush(r);
            return;
        }
        boolean publisher = method.equals(RtspMethods.ANNOUNCE) || method.equals(RtspMethods.RECORD);
        ChannelHandler session = publisher ? publishers.get() : players.get();
        ctx.pipeline().addAfter(ctx.name(), publisher ? "publish" : "play", session);
        ctx.fireChannelRead(msg);
        ctx.pipeline().remove(this);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.info("rtsp connection from {}: {}; closing", ctx.channel().remoteAddress(), cause.getMessage());
        ctx.close();
    }
}
