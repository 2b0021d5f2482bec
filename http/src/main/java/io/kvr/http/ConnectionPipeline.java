package io.kvr.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The handlers behind a connection's TLS, for HTTP/1.1 or, when a TLS client chose it (ALPN), HTTP/2. HTTP/2 is
 * Netty's: each stream becomes a child channel that Netty's codec turns into HTTP/1.1-style messages, and those go
 * through the same deadlines, head checks, bounded body and exchange as an HTTP/1.1 connection's requests, so a
 * route sees no difference. The HTTP/2 connection itself allows {@value #MAX_STREAMS} streams at once and a header
 * list of {@link HttpSettings#MAX_HEADER_BYTES}, and closes after {@code http.idle.timeout} without a frame;
 * Netty's codec refuses the known floods (rapid resets, empty data frames, small continuations).
 */
final class ConnectionPipeline {
    static final int MAX_STREAMS = 100;

    private final HttpSettings settings;
    private final HttpServer.Exchange exchange;
    private final HttpDate date;
    private final Executor handlers;
    private final HostCheck hosts;

    ConnectionPipeline(HttpSettings settings, HttpServer.Exchange exchange, HttpDate date, Executor handlers) {
        this.settings = settings;
        this.exchange = exchange;
        this.date = date;
        this.handlers = handlers;
        this.hosts = new HostCheck(settings.host(), settings.allowedHosts());
    }

    /** Plain HTTP/1.1. */
    void http1(ChannelPipeline p) {
        FoldedHeaderCheck folds = new FoldedHeaderCheck();
        Answering a = answering();
        p.addLast("deadline-bytes", a.deadlines().bytes());
        p.addLast("folds", folds.bytes());
        p.addLast("decoder", RequestFraming.decoder());
        p.addLast("encoder", new HttpResponseEncoder());
        p.addLast("folds-reset", folds.requestEnds());
        requests(p, a);
    }

    /** After the TLS handshake: HTTP/2 when the client asked for it, else HTTP/1.1. */
    ApplicationProtocolNegotiationHandler negotiated() {
        return new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                    http2(ctx.pipeline());
                } else {
                    http1(ctx.pipeline());
                }
            }
        };
    }

    private void http2(ChannelPipeline p) {
        p.addLast("idle", new IdleStateHandler(settings.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS) {
            @Override
            protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
                ctx.close();
            }
        });
        p.addLast(
                "h2",
                Http2FrameCodecBuilder.forServer()
                        .initialSettings(Http2Settings.defaultSettings()
                                .maxConcurrentStreams(MAX_STREAMS)
                                .maxHeaderListSize(HttpSettings.MAX_HEADER_BYTES))
                        .build());
        p.addLast("streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                ChannelPipeline sp = stream.pipeline();
                Answering a = answering();
                sp.addLast("end-politely", new ChannelOutboundHandlerAdapter() {
                    // a stream answered before its request body was all sent (a refusal) is ended with NO_ERROR,
                    // which asks the client to stop sending and keep the answer (RFC 9113 8.1), not CANCEL
                    @Override
                    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
                        if (stream.stream().state().remoteSideOpen()) {
                            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR));
                        }
                        ctx.close(promise);
                    }
                });
                sp.addLast("deadline-bytes", a.deadlines().bytes());
                sp.addLast("h2-to-http", new Http2StreamFrameToHttpObjectCodec(true));
                requests(sp, a);
            }
        }));
    }

    /** One connection's (or stream's) deadlines and the exchange that answers its requests. */
    private record Answering(RequestDeadlines deadlines, ExchangeHandler exchange) {}

    private Answering answering() {
        ExchangeHandler[] exchangeRef = new ExchangeHandler[1];
        RequestDeadlines deadlines = new RequestDeadlines(
                settings.headerTimeout(),
                settings.bodyTimeout(),
                settings.idleTimeout(),
                () -> exchangeRef[0].lateRequest());
        exchangeRef[0] = new ExchangeHandler(
                exchange, date, handlers, deadlines, settings.writeTimeout().toNanos());
        return new Answering(deadlines, exchangeRef[0]);
    }

    /** What every request goes through once decoded: deadlines, checks, the bounded body, the exchange. */
    private void requests(ChannelPipeline p, Answering a) {
        p.addLast("deadline-messages", a.deadlines().messages());
        p.addLast("checks", new RequestHeadChecks(hosts, settings.maxBodyBytes()));
        p.addLast("body", RequestFraming.aggregator(settings.maxBodyBytes()));
        p.addLast("exchange", a.exchange());
    }
}
