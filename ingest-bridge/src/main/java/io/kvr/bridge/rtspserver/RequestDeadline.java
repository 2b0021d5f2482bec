package io.kvr.bridge.rtspserver;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose RTSP message or interleaved frame, once begun, is not whole within the request
 * timeout. The session timeout alone is reset by every byte, so a peer sending a byte a second would hold the
 * connection for ever; this bounds how long any one message may take. Time while the connection's reads are
 * paused (back-pressure from the recording) does not count against the peer.
 */
final class RequestDeadline extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RequestDeadline.class);

    private final long timeoutNanos;
    private final InterleavedFrameDecoder decoder;
    private ScheduledFuture<?> check;
    private long pausedAt = Long.MIN_VALUE;

    RequestDeadline(Duration timeout, InterleavedFrameDecoder decoder) {
        this.timeoutNanos = timeout.toNanos();
        this.decoder = decoder;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50), timeoutNanos / 4);
        check = ctx.executor().scheduleAtFixedRate(() -> check(ctx), period, period, TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    private void cancel() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    private void check(ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        if (!ctx.channel().isActive()) {
            cancel();
            return;
        }
        if (!ctx.channel().config().isAutoRead()) {
            pausedAt = now;
            return;
        }
        long since = decoder.partialSinceNanos();
        if (since == InterleavedFrameDecoder.NOT_PARTIAL) {
            return;
        }
        long from = pausedAt == Long.MIN_VALUE ? since : Math.max(since, pausedAt);
        if (now - from > timeoutNanos) {
            log.info(
                    "rtsp connection from {}: a message still incomplete after {} ms; closing",
                    ctx.channel().remoteAddress(),
                    TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
            cancel();
            ctx.close();
        }
    }
}
