package io.kvr.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The deadlines of one connection, as nginx's {@code client_header_timeout}, {@code client_body_timeout} and
 * {@code keepalive_timeout} have them, except that the header and body deadlines are overall: they run from a
 * request's first byte (its head) or from the end of its head (its body) and are not restarted by further bytes, so
 * a client that trickles one byte a second is still cut off. A new connection must start its first request within
 * the header deadline; a kept-alive one its next within the idle deadline. While a request is being answered none
 * runs (the answer has its own write deadline). A head or body that misses its deadline is answered 408; a silent
 * connection is just closed.
 *
 * <p>Two handlers share the state: {@link #bytes()} in front of the decoder sees a request's first byte,
 * {@link #messages()} behind it sees its head and its end. Both run on the connection's event loop, as do
 * {@link #answering()} and {@link #awaitingNext()}, which the exchange calls from listeners on that loop.
 */
final class RequestDeadlines {
    private enum Phase {
        AWAITING,
        HEAD,
        BODY,
        ANSWERING
    }

    private final long headerNanos;
    private final long bodyNanos;
    private final long idleNanos;
    private final Runnable onLateRequest;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.AWAITING;
    private ScheduledFuture<?> timer;

    /** {@code onLateRequest} answers 408 and closes (run on the event loop). */
    RequestDeadlines(Duration header, Duration body, Duration idle, Runnable onLateRequest) {
        this.headerNanos = header.toNanos();
        this.bodyNanos = body.toNanos();
        this.idleNanos = idle.toNanos();
        this.onLateRequest = onLateRequest;
    }

    ChannelHandler bytes() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void handlerAdded(ChannelHandlerContext c) {
                // added behind TLS once the protocol is chosen: the connection is already active
                if (c.channel().isActive()) {
                    start(c);
                }
            }

            @Override
            public void channelActive(ChannelHandlerContext c) {
                start(c);
                c.fireChannelActive();
            }

            private void start(ChannelHandlerContext c) {
                if (ctx == null) {
                    ctx = c;
                    arm(headerNanos);
                }
            }

            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                if (phase == Phase.AWAITING) {
                    phase = Phase.HEAD;
                    arm(headerNanos);
                }
                c.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext c) {
                cancel();
                c.fireChannelInactive();
            }
        };
    }

    ChannelHandler messages() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                if (phase != Phase.ANSWERING) {
                    if (msg instanceof HttpRequest r && !(msg instanceof LastHttpContent)) {
                        if (r.decoderResult().isSuccess() && expectsBody(r)) {
                            phase = Phase.BODY;
                            arm(bodyNanos);
                        } else {
                            answering();
                        }
                    } else if (msg instanceof LastHttpContent || msg instanceof HttpRequest) {
                        answering();
                    } else if (!(msg instanceof HttpContent)) {
                        answering(); // a refusal on its way to be answered
                    }
                }
                c.fireChannelRead(msg);
            }
        };
    }

    private static boolean expectsBody(HttpRequest r) {
        try {
            return HttpUtil.isTransferEncodingChunked(r) || HttpUtil.getContentLength(r, 0L) > 0;
        } catch (NumberFormatException e) {
            return false; // refused by RequestHeadChecks
        }
    }

    /** A request is complete: no read deadline while it is answered. */
    void answering() {
        phase = Phase.ANSWERING;
        cancel();
    }

    /** The answer is out and the connection stays open: the next request must start within the idle deadline. */
    void awaitingNext() {
        phase = Phase.AWAITING;
        arm(idleNanos);
    }

    private void arm(long nanos) {
        cancel();
        if (ctx == null) {
            return;
        }
        Phase armedFor = phase;
        timer = ctx.executor().schedule(() -> expire(armedFor), nanos, TimeUnit.NANOSECONDS);
    }

    private void expire(Phase armedFor) {
        if (phase != armedFor || !ctx.channel().isActive()) {
            return;
        }
        if (phase == Phase.AWAITING) {
            ctx.close();
        } else if (phase == Phase.HEAD || phase == Phase.BODY) {
            phase = Phase.ANSWERING;
            onLateRequest.run();
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
