package io.kvr.bridge.rtspserver;

import io.kvr.http.access.AccessControl;
import io.kvr.media.sdp.SessionDescription;
import io.kvr.runtime.kafka.KafkaClients;
import io.micrometer.core.instrument.MeterRegistry;
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
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.rtsp.RtspDecoder;
import io.netty.handler.codec.rtsp.RtspEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kvr's RTSP server on Netty: publishers push to {@code rtsp://host:port/{app}/{stream}} with ANNOUNCE/RECORD over
 * interleaved TCP and the stream is recorded as a pulled camera is; players watch any stream live in the media
 * topic at the same URL with DESCRIBE/SETUP/PLAY ({@link PlaySession}). Per connection the pipeline is: the session
 * timeout ({@link IdleStateHandler}), the split of RTSP messages from interleaved frames ({@link
 * InterleavedFrameDecoder}, bounded), Netty's RTSP codec with a bounded aggregator, and the {@link PublishSession}.
 */
public final class RtspServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RtspServer.class);
    /** Longest RTSP message header taken: requests of publishers are a few hundred bytes. */
    static final int MAX_HEADER_BYTES = 8 * 1024;
    /** Longest RTSP message body taken: a session description. */
    static final int MAX_BODY_BYTES = SessionDescription.MAX_SIZE;

    private final EventLoopGroup loops;
    private final Channel channel;
    private final LiveFeeds feeds;

    private RtspServer(EventLoopGroup loops, Channel channel, LiveFeeds feeds) {
        this.loops = loops;
        this.channel = channel;
        this.feeds = feeds;
    }

    /**
     * Listens on the settings' host and port (0: any free port) and serves from then on: pushes are recorded with
     * {@code recordings}, players watch the media topic's live streams read with {@code clients}, as {@code access}
     * allows.
     */
    public static RtspServer start(
            RtspServerSettings settings,
            Recording.Starter recordings,
            KafkaClients clients,
            AccessControl access,
            MeterRegistry registry) {
        LiveFeeds feeds = new LiveFeeds(feed -> FeedReader.start(clients, feed), registry);
        ViewerAccess viewers = new ViewerAccess(access);
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> serverChannel =
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(
                Math.max(2, Runtime.getRuntime().availableProcessors()),
                Thread.ofPlatform().name("rtsp-io-", 0).daemon(true).factory(),
                io);
        PublishedPaths paths = new PublishedPaths();
        try {
            Channel ch = new ServerBootstrap()
                    .group(loops)
                    .channel(serverChannel)
                    .option(ChannelOption.SO_BACKLOG, 256)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            pipeline(c.pipeline(), settings, paths, recordings, feeds, viewers);
                        }
                    })
                    .bind(settings.host(), settings.port())
                    .sync()
                    .channel();
            RtspServer server = new RtspServer(loops, ch, feeds);
            log.info("rtsp server listening on {}:{}", settings.host(), server.port());
            return server;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("interrupted while binding the rtsp port", e);
        } catch (RuntimeException e) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException(
                    "cannot listen for rtsp on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
    }

    /** The handlers of one connection of a server without live streams (players get 404), front to back. */
    static void pipeline(
            ChannelPipeline p, RtspServerSettings settings, PublishedPaths paths, Recording.Starter recordings) {
        pipeline(
                p,
                settings,
                paths,
                recordings,
                new LiveFeeds(feed -> noReader(feed), new io.micrometer.core.instrument.simple.SimpleMeterRegistry()),
                ViewerAccess.open());
    }

    private static AutoCloseable noReader(LiveFeed feed) {
        feed.caughtUp();
        return () -> {};
    }

    /**
     * The handlers of one connection, front to back: the session timeout, the split of messages from interleaved
     * frames, Netty's RTSP codec with a bounded aggregator, then the {@link RtspConnection} that becomes a {@link
     * PublishSession} or a {@link PlaySession}. A player's interleaved frames are written from the splitter's
     * context, past the RTSP encoder.
     */
    static void pipeline(
            ChannelPipeline p,
            RtspServerSettings settings,
            PublishedPaths paths,
            Recording.Starter recordings,
            LiveFeeds feeds,
            ViewerAccess viewers) {
        p.addLast(new IdleStateHandler(settings.sessionTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        p.addLast(new InterleavedFrameDecoder(MAX_HEADER_BYTES, MAX_BODY_BYTES));
        p.addLast(new RtspDecoder(4096, MAX_HEADER_BYTES, MAX_BODY_BYTES));
        p.addLast(new HttpObjectAggregator(MAX_BODY_BYTES));
        p.addLast(new RtspEncoder());
        p.addLast(new RtspConnection(
                () -> new PublishSession(settings, paths, recordings),
                () -> new PlaySession(settings, feeds, viewers)));
    }

    /** The port listened on. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        feeds.close();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
