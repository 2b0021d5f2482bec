package io.kvr.bridge.rtspserver;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspVersions;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** The server's answers, alike for publishers and players: headers every answer has, reasons, sending. */
final class RtspResponses {
    /** The {@code Server} header of every answer. */
    static final String SERVER = "kvr";

    private static final int MAX_REASON = 200;

    private RtspResponses() {}

    /** An answer without a body: CSeq echoed (when the request had a usable one), Server, Content-Length 0. */
    static FullHttpResponse of(String cseq, HttpResponseStatus status) {
        FullHttpResponse r = new DefaultFullHttpResponse(RtspVersions.RTSP_1_0, status);
        if (cseq != null) {
            r.headers().set(RtspHeaderNames.CSEQ, cseq);
        }
        r.headers().set(RtspHeaderNames.SERVER, SERVER);
        r.headers().set(RtspHeaderNames.CONTENT_LENGTH, 0);
        return r;
    }

    /**
     * {@code status} with {@code reason} after its standard phrase, so the peer logs why; {@code status} itself when
     * there is no reason. A reason phrase is one line of text (RFC 2326 7.1.1): control characters become spaces,
     * and it is bounded.
     */
    static HttpResponseStatus withReason(HttpResponseStatus status, String reason) {
        if (reason == null) {
            return status;
        }
        String s = status.reasonPhrase() + ": " + reason;
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_REASON));
        for (int i = 0; i < s.length() && b.length() < MAX_REASON; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return new HttpResponseStatus(status.code(), b.toString());
    }

    /** Writes {@code r}, then closes the connection when {@code close}. */
    static void send(ChannelHandlerContext ctx, FullHttpResponse r, boolean close) {
        var f = ctx.writeAndFlush(r);
        if (close) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** {@code host:port} of a peer, for logs. */
    static String address(SocketAddress a) {
        return a instanceof InetSocketAddress i
                ? i.getAddress().getHostAddress() + ":" + i.getPort()
                : String.valueOf(a);
    }
}
