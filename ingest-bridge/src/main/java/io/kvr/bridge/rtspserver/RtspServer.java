package io.kvr.bridge.rtspserver;

import io.kvr.http.TlsContext;
import io.kvr.http.access.AccessControl;
import io.kvr.http.access.AccessSettings;
import io.kvr.media.sdp.SessionDescription;
import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.runtime.stream.StreamName;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.rtsp.RtspDecoder;
import io.netty.handler.codec.rtsp.RtspEncoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kvr's RTSP server on Netty: publishers push to {@code rtsp://host:port/{app}/{stream}} with ANNOUNCE/RECORD over
 * interleaved TCP or UDP and the stream is recorded as a pulled camera is; players watch any stream live in the
 * media topic at the same URL with DESCRIBE/SETUP/PLAY ({@link PlaySession}). Per connection the pipeline is: the
 * session timeout ({@link IdleStateHandler}), the deadline of one message ({@link RequestDeadline}), the split of
 * RTSP messages from interleaved frames ({@link InterleavedFrameDecoder}, bounded), Netty's RTSP codec with a
 * bounded aggregator, and the {@link RtspConnection} that becomes a {@link PublishSession} or a {@link
 * PlaySession}. Connections over {@code rtsp.max.connections} are closed as
 * they are accepted. Meters: {@code kvr_bridge_rtsp_connections} (open connections), {@code
 * kvr_bridge_rtsp_sessions} (announced publish sessions), {@code kvr_bridge_rtsp_refused_connections_total} (over
 * the limit).
 */
public final class RtspServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RtspServer.class);
    /** Longest RTSP message header taken: requests of publishers are a few hundred bytes. */
    static final int MAX_HEADER_BYTES = 8 * 1024;
    /** Longest RTSP message body taken: a session description. */
    static final int MAX_BODY_BYTES = SessionDescription.MAX_SIZE;

    private final EventLoopGroup loops;
    private final Channel channel;
    /** The RTSP over TLS port's channel; null without {@code rtsp.tls.port}. */
    private final Channel secureChannel;

    private final AtomicInteger connections;
    private final PublishedPaths paths;
    private final LiveFeeds feeds;

    private RtspServer(
            EventLoopGroup loops,
            Channel channel,
            Channel secureChannel,
            AtomicInteger connections,
            PublishedPaths paths,
            LiveFeeds feeds) {
        this.loops = loops;
        this.channel = channel;
        this.secureChannel = secureChannel;
        this.connections = connections;
        this.paths = paths;
        this.feeds = feeds;
    }

    /**
     * Listens on the settings' host and port (0: any free port) and serves from then on: pushes are recorded with
     * {@code recordings} as {@code access} and {@code publish.open} allow ({@link PublishAuthentication}), the
     * streams published here kept in {@code paths} (the camera API lists them), pushes to a stream {@code
     * pulledCameras} names refused; players watch the media topic's live streams, read with {@code clients}, as
     * {@code access} allows viewers ({@link ViewerAccess}); the server's meters go to {@code registry}.
     */
    public static RtspServer start(
            RtspServerSettings settings,
            AccessSettings access,
            Recording.Starter recordings,
            PublishedPaths paths,
            Predicate<StreamName> pulledCameras,
            KafkaClients clients,
            MeterRegistry registry) {
        LiveFeeds feeds = new LiveFeeds(feed -> FeedReader.start(clients, feed), registry, settings.maxViewers());
        ViewerAccess viewers = new ViewerAccess(new AccessControl(access));
        PublishAuthentication authentication =
                new PublishAuthentication(access, settings.publishOpen(), java.time.Clock.systemUTC());
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> serverChannel =
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(
                Math.max(2, Runtime.getRuntime().availableProcessors()),
                Thread.ofPlatform().name("rtsp-io-", 0).daemon(true).factory(),
                io);
        AtomicInteger connections = new AtomicInteger();
        Gauge.builder("kvr_bridge_rtsp_connections", connections, AtomicInteger::get)
                .description("open connections to the RTSP server")
                .register(registry);
        Gauge.builder("kvr_bridge_rtsp_sessions", paths, PublishedPaths::size)
                .description("announced publish sessions of the RTSP server")
                .register(registry);
        Counter refused = Counter.builder("kvr_bridge_rtsp_refused_connections")
                .description("connections closed on accept: over rtsp.max.connections")
                .register(registry);
        UdpPorts udpPorts = new UdpPorts(
                settings.host(), settings.udpPorts(), epoll ? EpollDatagramChannel.class : NioDatagramChannel.class);
        TlsContext tls = null;
        if (settings.tls()) {
            try {
                tls = new TlsContext(settings.tlsCert(), settings.tlsKey());
            } catch (RuntimeException e) {
                loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                throw e;
            }
        }
        // both ports share the connection limit, the sessions and the live feeds
        Connections accept = c -> {
            if (!admit(connections, settings.maxConnections())) {
                refused.increment();
                c.close();
                return false;
            }
            c.closeFuture().addListener(f -> connections.decrementAndGet());
            pipeline(
                    c.pipeline(), settings, paths, authentication, recordings, udpPorts, pulledCameras, feeds, viewers);
            return true;
        };
        Channel ch = null;
        try {
            ch = bind(loops, serverChannel, settings.host(), settings.port(), null, settings, accept);
            Channel secure = null;
            if (tls != null) {
                secure = bind(loops, serverChannel, settings.host(), settings.tlsPort(), tls, settings, accept);
                log.info("rtsps (RTSP over TLS) listening on {}:{}", settings.host(), port(secure));
            }
            RtspServer server = new RtspServer(loops, ch, secure, connections, paths, feeds);
            log.info("rtsp server listening on {}:{}", settings.host(), server.port());
            return server;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(ch);
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("interrupted while binding the rtsp port", e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException(
                    "cannot listen for rtsp on " + settings.host() + ":" + settings.port()
                            + (settings.tls() ? " and " + settings.tlsPort() + " (TLS)" : "") + ": " + e.getMessage(),
                    e);
        }
    }

    private static void closeQuietly(Channel ch) {
        if (ch != null) {
            ch.close().syncUninterruptibly();
        }
    }

    /** What sets up an accepted connection; false when it was refused (and closed). */
    private interface Connections {
        boolean accept(SocketChannel c);
    }

    /**
     * Binds one listening port. With {@code tls} each connection starts with a TLS handshake (its own deadline,
     * {@code rtsp.request.timeout}) and then is the same RTSP connection as on the plain port: RTSP over TLS,
     * {@code rtsps://} (RFC 7826 19.2 and its default port 322), whose media go interleaved on the connection.
     */
    private static Channel bind(
            EventLoopGroup loops,
            Class<? extends ServerChannel> serverChannel,
            String host,
            int port,
            TlsContext tls,
            RtspServerSettings settings,
            Connections connections)
            throws InterruptedException {
        return new ServerBootstrap()
                .group(loops)
                .channel(serverChannel)
                .option(ChannelOption.SO_BACKLOG, 256)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        if (!connections.accept(c) || tls == null) {
                            return;
                        }
                        SslHandler ssl = tls.current().newHandler(c.alloc());
                        ssl.setHandshakeTimeoutMillis(settings.requestTimeout().toMillis());
                        c.pipeline().addFirst("tls", ssl);
                    }
                })
                .bind(host, port)
                .sync()
                .channel();
    }

    /** Counts one more connection unless {@code max} are open: the count never passes {@code max}. */
    private static boolean admit(AtomicInteger open, int max) {
        int n;
        do {
            n = open.get();
            if (n >= max) {
                return false;
            }
        } while (!open.compareAndSet(n, n + 1));
        return true;
    }

    /** The handlers of one connection of a server without live streams (players get 404), front to back. */
    static void pipeline(
            ChannelPipeline p,
            RtspServerSettings settings,
            PublishedPaths paths,
            PublishAuthentication authentication,
            Recording.Starter recordings,
            UdpPorts udpPorts,
            Predicate<StreamName> pulledCameras) {
        pipeline(
                p,
                settings,
                paths,
                authentication,
                recordings,
                udpPorts,
                pulledCameras,
                new LiveFeeds(RtspServer::noReader, new SimpleMeterRegistry()),
                ViewerAccess.open());
    }

    /** The handlers of a connection whose pushes are open as {@code publish.open} says and go nowhere else. */
    static void pipeline(
            ChannelPipeline p,
            RtspServerSettings settings,
            PublishedPaths paths,
            Recording.Starter recordings,
            LiveFeeds feeds,
            ViewerAccess viewers) {
        pipeline(
                p,
                settings,
                paths,
                new PublishAuthentication(AccessSettings.off(), settings.publishOpen(), java.time.Clock.systemUTC()),
                recordings,
                new UdpPorts(settings.host(), settings.udpPorts(), NioDatagramChannel.class),
                name -> false,
                feeds,
                viewers);
    }

    private static AutoCloseable noReader(LiveFeed feed) {
        feed.caughtUp();
        return () -> {};
    }

    /**
     * The handlers of one connection, front to back: the session timeout, the deadline of one message, the split of
     * messages from interleaved frames, Netty's RTSP codec with a bounded aggregator, then the {@link
     * RtspConnection} that becomes a {@link PublishSession} or a {@link PlaySession}. A player's interleaved frames
     * are written from the splitter's context, past the RTSP encoder.
     */
    static void pipeline(
            ChannelPipeline p,
            RtspServerSettings settings,
            PublishedPaths paths,
            PublishAuthentication authentication,
            Recording.Starter recordings,
            UdpPorts udpPorts,
            Predicate<StreamName> pulledCameras,
            LiveFeeds feeds,
            ViewerAccess viewers) {
        p.addLast(new IdleStateHandler(settings.sessionTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        InterleavedFrameDecoder frames = new InterleavedFrameDecoder(MAX_HEADER_BYTES, MAX_BODY_BYTES);
        p.addLast(new RequestDeadline(settings.requestTimeout(), frames));
        p.addLast(frames);
        p.addLast(new RtspDecoder(4096, MAX_HEADER_BYTES, MAX_BODY_BYTES));
        // in front of the aggregator, so that whatever it answers on its own is encoded too
        p.addLast(new RtspEncoder());
        p.addLast(new RequestAggregator(MAX_BODY_BYTES));
        p.addLast(new RequestSyntax());
        p.addLast(new RtspConnection(
                () -> new PublishSession(settings, paths, authentication, recordings, udpPorts, pulledCameras),
                () -> new PlaySession(settings, feeds, viewers)));
    }

    /**
     * Netty's aggregator without HTTP's {@code Expect: 100-continue} answer: an RTSP request's body follows its
     * header unasked (RFC 2326 has no such exchange), and the request itself is answered by the session.
     */
    private static final class RequestAggregator extends HttpObjectAggregator {
        RequestAggregator(int maxContentLength) {
            super(maxContentLength);
        }

        @Override
        protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
            return null;
        }
    }

    /** The port listened on. */
    public int port() {
        return port(channel);
    }

    /** The port RTSP over TLS is served on; empty without {@code rtsp.tls.port}. */
    public OptionalInt tlsPort() {
        return secureChannel == null ? OptionalInt.empty() : OptionalInt.of(port(secureChannel));
    }

    private static int port(Channel ch) {
        return ((InetSocketAddress) ch.localAddress()).getPort();
    }

    /** Connections open now. */
    public int connections() {
        return connections.get();
    }

    /** Publish sessions announced now. */
    public int sessions() {
        return paths.size();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        if (secureChannel != null) {
            secureChannel.close().syncUninterruptibly();
        }
        feeds.close();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
