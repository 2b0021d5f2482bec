package io.kvr.bridge.rtspserver;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Binds the UDP ports of tracks a publisher sets up with {@code RTP/AVP} (RFC 2326 12.39 {@code server_port}): per
 * track RTP on an even port and RTCP on the next one (RFC 3550 11; FFmpeg sends RTCP to the RTP port + 1), from
 * {@code rtsp.udp.ports} or, without a range, wherever the system finds two free ones. Binding is asynchronous on
 * the connection's event loop, which must not block; a port another socket holds is skipped. Thread-safe.
 */
final class UdpPorts {
    /** Without a range: tries before giving up (the system's pick is odd, or its neighbour taken, half the time). */
    private static final int ANY_ATTEMPTS = 32;
    /** A datagram can be this large (IPv4: 65507); a smaller buffer would cut it silently. */
    static final int MAX_DATAGRAM = 65_536;
    /** Kernel buffer: a keyframe of a few hundred KB arrives as one burst. */
    private static final int RECEIVE_BUFFER = 2 * 1024 * 1024;

    private final String host;
    private final UdpPortRange range;
    private final Class<? extends DatagramChannel> channelClass;
    /** Next pair of the range tried first: pairs are taken round the range, so a port just freed rests a while. */
    private final AtomicInteger cursor = new AtomicInteger();

    UdpPorts(String host, UdpPortRange range, Class<? extends DatagramChannel> channelClass) {
        this.host = host;
        this.range = range;
        this.channelClass = channelClass;
    }

    /** A bound pair: RTP and RTCP channels. */
    record Pair(Channel rtp, Channel rtcp) {
        int rtpPort() {
            return ((InetSocketAddress) rtp.localAddress()).getPort();
        }

        int rtcpPort() {
            return ((InetSocketAddress) rtcp.localAddress()).getPort();
        }

        void close() {
            rtp.close();
            rtcp.close();
        }
    }

    /**
     * Binds a pair on {@code loop}, each channel with a new handler from its supplier; fails when no pair is free.
     * The future completes on {@code loop}.
     */
    Future<Pair> bind(EventLoop loop, Supplier<ChannelHandler> rtpHandler, Supplier<ChannelHandler> rtcpHandler) {
        Promise<Pair> promise = loop.newPromise();
        int attempts = range.any() ? ANY_ATTEMPTS : range.pairs();
        attempt(loop, rtpHandler, rtcpHandler, promise, attempts);
        return promise;
    }

    private void attempt(
            EventLoop loop,
            Supplier<ChannelHandler> rtpHandler,
            Supplier<ChannelHandler> rtcpHandler,
            Promise<Pair> promise,
            int left) {
        if (left == 0) {
            promise.setFailure(
                    new IllegalStateException("no free UDP port pair" + (range.any() ? "" : " in " + range)));
            return;
        }
        int wanted = range.any() ? 0 : range.rtpPort(Math.floorMod(cursor.getAndIncrement(), range.pairs()));
        bootstrap(loop, rtpHandler.get()).bind(host, wanted).addListener((ChannelFuture rtp) -> {
            if (!rtp.isSuccess()) {
                attempt(loop, rtpHandler, rtcpHandler, promise, left - 1);
                return;
            }
            int port = ((InetSocketAddress) rtp.channel().localAddress()).getPort();
            if ((port & 1) != 0 || port == 65535) {
                rtp.channel().close();
                attempt(loop, rtpHandler, rtcpHandler, promise, left - 1);
                return;
            }
            bootstrap(loop, rtcpHandler.get()).bind(host, port + 1).addListener((ChannelFuture rtcp) -> {
                if (!rtcp.isSuccess()) {
                    rtp.channel().close();
                    attempt(loop, rtpHandler, rtcpHandler, promise, left - 1);
                } else if (!promise.trySuccess(new Pair(rtp.channel(), rtcp.channel()))) {
                    rtp.channel().close();
                    rtcp.channel().close();
                }
            });
        });
    }

    private Bootstrap bootstrap(EventLoop loop, ChannelHandler handler) {
        return new Bootstrap()
                .group(loop)
                .channel(channelClass)
                .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                .handler(handler);
    }
}
