package io.kvr.bridge.rtspserver;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspResponseStatuses;
import io.netty.handler.codec.rtsp.RtspVersions;
import io.netty.util.ReferenceCountUtil;
import java.util.regex.Pattern;

/**
 * Answers what breaks RTSP/1.0's message syntax before any session sees it, the same for publishers and players:
 * a message the decoder could not read (it reads a broken request line as a response) 400; a CSeq that is not one
 * number of 1 to 9 digits (RFC 7826 18.20) 400; a version other than RTSP/1.0 505. Each closes the connection,
 * since what follows on it cannot be trusted to be framed. Interleaved frames and good requests pass.
 */
final class RequestSyntax extends ChannelInboundHandlerAdapter {
    private static final Pattern CSEQ = Pattern.compile("\\s*\\d{1,9}\\s*");

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        String refusal = null;
        HttpResponseStatus status = RtspResponseStatuses.BAD_REQUEST;
        String cseq = null;
        if (msg instanceof FullHttpRequest request) {
            cseq = request.headers().get(RtspHeaderNames.CSEQ);
            if (!request.decoderResult().isSuccess()) {
                refusal = "malformed request";
            } else if (cseq == null || cseq.isBlank()) {
                refusal = "no CSeq header";
            } else if (!CSEQ.matcher(cseq).matches()
                    || request.headers().getAll(RtspHeaderNames.CSEQ).size() > 1) {
                refusal = "CSeq is not one number of 1 to 9 digits";
            } else if (!request.protocolVersion().equals(RtspVersions.RTSP_1_0)) {
                status = RtspResponseStatuses.RTSP_VERSION_NOT_SUPPORTED;
                refusal = "RTSP/1.0 only";
            }
            if (refusal != null && !CSEQ.matcher(cseq == null ? "" : cseq).matches()) {
                cseq = null; // never echo a CSeq that is not one
            }
        } else if (msg instanceof HttpMessage m) {
            refusal = "malformed request";
        }
        if (refusal == null) {
            ctx.fireChannelRead(msg);
            return;
        }
        ReferenceCountUtil.release(msg);
        RtspResponses.send(
                ctx,
                RtspResponses.of(cseq == null ? null : cseq.strip(), RtspResponses.withReason(status, refusal)),
                true);
    }
}
