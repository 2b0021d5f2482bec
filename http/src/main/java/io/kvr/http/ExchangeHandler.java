package io.kvr.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the requests of one connection, one at a time and in order (a pipelined request waits its turn, and
 * reading pauses while it waits). A route's handler may block (index queries, object storage, long
 * downloads), so it runs on {@code handlers}, never on the event loop; its answer is written from there: a body
 * known as bytes leaves without a copy, a streamed one through {@link BodyStream}. Refusals from the pipeline
 * ({@link Rejection}) are answered in the same order and close the connection.
 */
final class ExchangeHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ExchangeHandler.class);
    /** Pipelined requests a connection may have waiting; more is a client not reading its answers. */
    private static final int MAX_WAITING = 16;
    // header names as most servers spell them (Netty's constants are lower case; HTTP/1.1 names are case-blind)
    private static final String DATE = "Date";
    private static final String CONTENT_LENGTH = "Content-Length";
    private static final String TRANSFER_ENCODING = "Transfer-Encoding";
    private static final String CONNECTION = "Connection";

    private final HttpServer.Exchange exchange;
    private final HttpDate date;
    private final Executor handlers;
    private final RequestDeadlines deadlines;
    private final long writeTimeoutNanos;
    private final Object writable = new Object();
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private boolean busy;
    private boolean paused;
    private boolean closing;

    ExchangeHandler(
            HttpServer.Exchange exchange,
            HttpDate date,
            Executor handlers,
            RequestDeadlines deadlines,
            long writeTimeoutNanos) {
        this.exchange = exchange;
        this.date = date;
        this.handlers = handlers;
        this.deadlines = deadlines;
        this.writeTimeoutNanos = writeTimeoutNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing || !(msg instanceof FullHttpRequest || msg instanceof Rejection)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        waiting.add(msg);
        if (busy && !paused) {
            // a pipelined request while one is answered: stop reading until the queue drains, so a connection holds
            // at most one more request's body. Clients that wait for each answer never pay for this switch.
            paused = true;
            ctx.channel().config().setAutoRead(false);
        }
        if (waiting.size() > MAX_WAITING) {
            closing = true;
            releaseWaiting();
            ctx.close();
            return;
        }
        next();
    }

    /** Answers 408 to a request whose head or body missed its deadline, then closes. */
    void lateRequest() {
        if (busy || closing) {
            return;
        }
        waiting.add(new Rejection(408, "Request Timeout: the request did not arrive in time"));
        next();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        synchronized (writable) {
            writable.notifyAll();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        releaseWaiting();
        synchronized (writable) {
            writable.notifyAll();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a reset connection or a failed TLS handshake: nothing to answer, nothing a server log can act on
        log.debug("HTTP connection failed: {}", cause.toString());
        ctx.close();
    }

    private void releaseWaiting() {
        Object m;
        while ((m = waiting.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }

    /** Starts the next waiting request, if none is being answered. Runs on the event loop. */
    private void next() {
        if (busy || closing) {
            return;
        }
        Object msg = waiting.poll();
        if (msg == null) {
            if (paused) {
                paused = false;
                ctx.channel().config().setAutoRead(true);
            }
            return;
        }
        busy = true;
        deadlines.answering();
        if (msg instanceof Rejection r) {
            closing = true;
            releaseWaiting();
            ChannelFuture done = writeWhole(HttpService.error(r.status(), r.reason()), false, false);
            done.addListener(ChannelFutureListener.CLOSE);
            return;
        }
        FullHttpRequest request = (FullHttpRequest) msg;
        HttpServer.RawRequest raw;
        boolean keepAlive;
        boolean http10;
        try {
            raw = new HttpServer.RawRequest(
                    request.method().name(),
                    originForm(request.uri()),
                    headers(request.headers()),
                    ByteBufUtil.getBytes(request.content()));
            keepAlive = HttpUtil.isKeepAlive(request);
            http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
        } finally {
            request.release();
        }
        try {
            handlers.execute(() -> answer(raw, keepAlive, http10));
        } catch (RejectedExecutionException e) {
            closing = true;
            writeWhole(HttpService.error(503, "server is shutting down"), false, false)
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Runs the route and writes its answer; on a handler thread. */
    private void answer(HttpServer.RawRequest request, boolean keepAliveAsked, boolean http10) {
        Response response;
        boolean keepAlive = keepAliveAsked;
        try {
            response = exchange.handle(request);
        } catch (Throwable e) {
            // an Error in a route (a class that failed to load, a stack overflow) still gets an answer; the
            // connection closes after it, since the route's state is unknown
            log.error("an HTTP route failed", e);
            response = HttpService.error(500, "internal error");
            keepAlive = false;
        }
        answer(response, "HEAD".equals(request.method()), keepAlive, http10);
    }

    private void answer(Response response, boolean head, boolean keepAlive, boolean http10) {
        try {
            if (response.length() == Response.CHUNKED || response.bytes() == null && response.length() > 0) {
                streamed(response, head, keepAlive, http10);
            } else {
                writeWhole(response, head, keepAlive).addListener(f -> done(keepAlive && f.isSuccess()));
            }
        } catch (RuntimeException e) {
            log.warn("writing an HTTP answer failed", e);
            closeResource(response);
            ctx.executor().execute(() -> done(false));
        }
    }

    /** An answer whose body is in memory (or empty), in one write. */
    private ChannelFuture writeWhole(Response response, boolean head, boolean keepAlive) {
        try {
            int status = response.status();
            boolean noBody = status == 204 || status == 304 || status < 200;
            byte[] bytes = response.bytes();
            var content = head || noBody || bytes == null
                    ? Unpooled.EMPTY_BUFFER
                    : Unpooled.wrappedBuffer(bytes, response.offset(), (int) response.length());
            DefaultFullHttpResponse r = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), content, false);
            headers(r, response, keepAlive);
            if (!noBody) {
                r.headers().set(CONTENT_LENGTH, Math.max(response.length(), 0));
            }
            return ctx.writeAndFlush(r);
        } finally {
            closeResource(response);
        }
    }

    /** An answer whose body a writer produces: with a known length, or chunked. */
    private void streamed(Response response, boolean head, boolean keepAlive, boolean http10) {
        Channel channel = ctx.channel();
        boolean chunked = response.length() == Response.CHUNKED;
        // an HTTP/1.0 client knows no chunks: the body ends when the connection does
        boolean endsWithClose = chunked && http10;
        boolean keep = keepAlive && !endsWithClose;
        HttpResponse r =
                new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()), false);
        headers(r, response, keep);
        if (chunked) {
            if (!endsWithClose) {
                r.headers().set(TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        } else {
            r.headers().set(CONTENT_LENGTH, response.length());
        }
        BodyStream body =
                new BodyStream(channel, writable, writeTimeoutNanos, chunked ? Long.MAX_VALUE : response.length());
        boolean whole = false;
        try {
            channel.write(r, channel.voidPromise());
            if (head) {
                whole = true;
            } else {
                response.body().writeTo(body);
                body.finish();
                whole = chunked || body.written() == response.length();
                if (!whole) {
                    log.warn(
                            "response body was {} bytes, not the {} announced; closing the connection",
                            body.written(),
                            response.length());
                }
            }
        } catch (IOException | RuntimeException e) {
            body.abandon();
            log.debug("response body not delivered whole: {}", e.toString());
        } finally {
            closeResource(response);
        }
        if (!whole) {
            // no last chunk, or fewer bytes than announced: the client sees the answer is incomplete
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> done(false));
            return;
        }
        boolean last = keep;
        channel.writeAndFlush(endsWithClose ? Unpooled.EMPTY_BUFFER : LastHttpContent.EMPTY_LAST_CONTENT)
                .addListener(f -> done(last && f.isSuccess()));
    }

    /** After an answer, on the event loop: the next request, or close. */
    private void done(boolean keepAlive) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> done(keepAlive));
            return;
        }
        busy = false;
        if (!keepAlive || closing) {
            closing = true;
            releaseWaiting();
            ctx.close();
            return;
        }
        if (waiting.isEmpty()) {
            deadlines.awaitingNext();
        }
        next();
    }

    private void headers(HttpResponse r, Response response, boolean keepAlive) {
        HttpHeaders h = r.headers();
        h.set(DATE, date.now());
        for (var e : response.headers().entrySet()) {
            h.set(e.getKey(), e.getValue());
        }
        if (!keepAlive) {
            h.set(CONNECTION, HttpHeaderValues.CLOSE);
        }
    }

    private static void closeResource(Response response) {
        try {
            response.closeResource();
        } catch (Exception e) {
            log.debug("closing the body source failed: {}", e.toString());
        }
    }

    /** The path-and-query of a target: origin form as is, absolute form without scheme and authority. */
    private static String originForm(String target) {
        if (target.startsWith("/")) {
            return target;
        }
        int scheme = target.indexOf("://");
        int path = scheme < 0 ? -1 : target.indexOf('/', scheme + 3);
        return path < 0 ? "/" : target.substring(path);
    }

    private static Map<String, List<String>> headers(HttpHeaders headers) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (var it = headers.iteratorCharSequence(); it.hasNext(); ) {
            var e = it.next();
            String name = e.getKey().toString();
            List<String> values = null;
            for (var existing : out.entrySet()) {
                if (existing.getKey().equalsIgnoreCase(name)) {
                    values = existing.getValue();
                    break;
                }
            }
            if (values == null) {
                values = new ArrayList<>(1);
                out.put(name, values);
            }
            values.add(e.getValue().toString());
        }
        return out;
    }
}
