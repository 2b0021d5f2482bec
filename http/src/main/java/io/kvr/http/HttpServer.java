package io.kvr.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kvr's HTTP server on Netty: HTTP/1.1, and HTTP/2 for TLS clients that ask for it ({@link ConnectionPipeline}).
 * Each connection is a pipeline of small handlers, each with one job:
 * <ol>
 *   <li>TLS, when {@link HttpSettings#tls()} ({@link TlsContext}, reloaded when the files change), then the
 *       protocol the client chose;
 *   <li>the deadlines' byte watch ({@link RequestDeadlines}) and the refusal of folded header lines
 *       ({@link FoldedHeaderCheck});
 *   <li>Netty's request decoder with kvr's framing rules and its response encoder ({@link RequestFraming});
 *   <li>the deadlines' message watch, then {@link RequestHeadChecks} (version, Host, lengths, codings);
 *   <li>the body aggregator, bounded while reading ({@link RequestFraming#aggregator});
 *   <li>{@link ExchangeHandler}: one request at a time, routes run on virtual threads, answers written back.
 * </ol>
 * Connections beyond {@link HttpSettings#maxConnections()} are answered 503 and closed as they arrive. Two event-loop
 * threads (epoll where available) carry every connection; nothing on them blocks.
 */
final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    private static final String BUSY_BODY = "{\"error\":\"too many connections; try again later\",\"status\":503}";
    private static final byte[] BUSY = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + BUSY_BODY.length() + "\r\nRetry-After: 5\r\nConnection: close\r\n\r\n"
                    + BUSY_BODY)
            .getBytes(StandardCharsets.US_ASCII);

    /** One request as the routes see it; {@code target} is the path and query, still percent-encoded. */
    record RawRequest(String method, String target, Map<String, List<String>> headers, byte[] body) {}

    /** Answers a request; never throws (a bad request gets a 4xx, a bug a 500). */
    @FunctionalInterface
    interface Exchange {
        Response handle(RawRequest request);
    }

    private static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf("kvr.http.refused");

    private final EventLoopGroup loops;
    private final ExecutorService handlers;
    private final Channel channel;

    private HttpServer(EventLoopGroup loops, ExecutorService handlers, Channel channel) {
        this.loops = loops;
        this.handlers = handlers;
        this.channel = channel;
    }

    /** Listens on the settings' address and serves from then on. */
    static HttpServer start(HttpSettings settings, Exchange exchange) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> serverChannel =
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(
                Math.max(2, Runtime.getRuntime().availableProcessors()),
                Thread.ofPlatform().name("http-io-", 0).daemon(true).factory(),
                io);
        ExecutorService handlers = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("http-", 0).factory());
        TlsContext tls = settings.tls() ? new TlsContext(settings.tlsCert(), settings.tlsKey()) : null;
        ConnectionPipeline connections = new ConnectionPipeline(settings, exchange, new HttpDate(), handlers);
        AtomicInteger open = new AtomicInteger();
        try {
            Channel ch = new ServerBootstrap()
                    .group(loops)
                    .channel(serverChannel)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(
                            ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                    .handler(new ChannelInboundHandlerAdapter() {
                        // counted as accepted, on the acceptor's thread: first come, first served
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            Channel child = (Channel) msg;
                            boolean over = open.incrementAndGet() > settings.maxConnections();
                            if (over) {
                                open.decrementAndGet();
                            } else {
                                child.closeFuture().addListener(f -> open.decrementAndGet());
                            }
                            child.attr(REFUSED).set(over);
                            ctx.fireChannelRead(msg);
                        }
                    })
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            if (Boolean.TRUE.equals(c.attr(REFUSED).get())) {
                                refuse(c, tls != null);
                                return;
                            }
                            var p = c.pipeline();
                            if (tls == null) {
                                connections.http1(p);
                                return;
                            }
                            SslHandler ssl = tls.current().newHandler(c.alloc());
                            ssl.setHandshakeTimeoutMillis(
                                    settings.headerTimeout().toMillis());
                            p.addLast("tls", ssl);
                            p.addLast("negotiate", connections.negotiated());
                        }
                    })
                    .bind(new InetSocketAddress(settings.host(), settings.port()))
                    .sync()
                    .channel();
            log.debug("HTTP on {} ({})", ch.localAddress(), epoll ? "epoll" : "nio");
            return new HttpServer(loops, handlers, ch);
        } catch (RuntimeException | InterruptedException e) {
            loops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            handlers.shutdownNow();
            throw e;
        }
    }

    /** Over the connection cap: a plain connection gets a 503 before it closes, a TLS one just the close. */
    private static void refuse(SocketChannel c, boolean tls) {
        c.config().setAutoRead(false);
        if (tls) {
            c.close();
            return;
        }
        c.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(BUSY)).addListener(ChannelFutureListener.CLOSE);
            }
        });
    }

    InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        try {
            channel.close().await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        handlers.shutdownNow();
    }
}
