package io.kvr.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Refuses a request head with obsolete line folding (a header line that starts with a space or tab, RFC 9112 5.2)
 * before the decoder sees it. The decoder would join the line to the header above; a proxy in front that reads it
 * as a header of its own (say {@code Transfer-Encoding}) would then frame the request differently from kvr, which
 * is how requests are smuggled. So the head is answered 400 and the connection closed.
 *
 * <p>{@link #bytes()} scans a request's head from its first byte to its blank line (bodies are not scanned);
 * {@link #requestEnds()}, behind the decoder, starts the scan again once a request is complete.
 */
final class FoldedHeaderCheck {
    private boolean scanning = true;
    private boolean firstLine = true;
    private boolean lineStart = true;
    private boolean lineEmpty = true;
    private boolean refused;

    ChannelHandler bytes() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (refused) {
                    ReferenceCountUtil.release(msg);
                    return;
                }
                if (scanning && msg instanceof ByteBuf buf && folds(buf)) {
                    refused = true;
                    buf.release();
                    ctx.channel().config().setAutoRead(false);
                    ctx.fireChannelRead(new Rejection(400, "Bad Request: obsolete line folding in a header"));
                    return;
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    ChannelHandler requestEnds() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof LastHttpContent) {
                    scanning = true;
                    firstLine = true;
                    lineStart = true;
                    lineEmpty = true;
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    /** Scans the head's bytes in {@code buf} (without consuming them); true at a folded line. */
    private boolean folds(ByteBuf buf) {
        for (int i = buf.readerIndex(), end = buf.writerIndex(); i < end && scanning; i++) {
            byte b = buf.getByte(i);
            if (b == '\n') {
                if (lineEmpty && !firstLine) {
                    scanning = false; // the blank line: the head is over
                } else if (!lineEmpty) {
                    firstLine = false; // empty lines before the request line are allowed and skipped
                }
                lineStart = true;
                lineEmpty = true;
            } else if (b == '\r') {
                lineStart = false;
            } else {
                if (lineStart && !firstLine && (b == ' ' || b == '\t')) {
                    return true;
                }
                lineStart = false;
                lineEmpty = false;
            }
        }
        return false;
    }
}
