package io.kvr.bridge.rtspserver;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Receives one UDP port of a track set up over UDP: datagrams from the publisher's address become frames of the
 * track's RTP or RTCP channel, as if interleaved; datagrams from any other address are dropped and counted (RFC
 * 2326 offers no binding of a UDP flow to a session beyond the addresses; anyone could send to the port).
 */
final class DatagramReceiver extends SimpleChannelInboundHandler<DatagramPacket> {
    /** Where the receiver's datagrams go; called on the connection's event loop. */
    interface Sink {
        void datagram(InterleavedFrame frame);

        void foreign(InetSocketAddress sender);
    }

    private final int channel;
    private final InetAddress publisher;
    private final Sink sink;

    /** @param channel the channel the track's RTP or RTCP has in the recording's channel map */
    DatagramReceiver(int channel, InetAddress publisher, Sink sink) {
        this.channel = channel;
        this.publisher = publisher;
        this.sink = sink;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        InetSocketAddress sender = packet.sender();
        if (sender == null || !publisher.equals(sender.getAddress())) {
            sink.foreign(sender);
            return;
        }
        sink.datagram(new InterleavedFrame(channel, ByteBufUtil.getBytes(packet.content())));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // an ICMP error surfacing on a UDP socket says nothing about the publisher's stream: keep receiving
    }
}
