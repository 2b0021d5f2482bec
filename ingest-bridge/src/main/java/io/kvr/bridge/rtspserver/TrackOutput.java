package io.kvr.bridge.rtspserver;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/** Where a viewer's RTP and RTCP packets of one track go; used on the connection's event loop only. */
interface TrackOutput {
    /** Sends one packet; takes ownership of {@code packet}. */
    void send(boolean rtcp, ByteBuf packet);

    /** False while the packets already handed on wait for the network past the high water mark. */
    boolean writable();

    void flush();

    ByteBufAllocator alloc();

    /** The packets go into the RTSP connection as interleaved frames (RFC 2326 10.12). */
    record Interleaved(ChannelHandlerContext frames, int rtpChannel, int rtcpChannel) implements TrackOutput {
        @Override
        public void send(boolean rtcp, ByteBuf packet) {
            ByteBuf head = frames.alloc().buffer(4);
            head.writeByte('$');
            head.writeByte(rtcp ? rtcpChannel : rtpChannel);
            head.writeShort(packet.readableBytes());
            frames.write(head, frames.voidPromise());
            frames.write(packet, frames.voidPromise());
        }

        @Override
        public boolean writable() {
            return frames.channel().isWritable();
        }

        @Override
        public void flush() {
            frames.flush();
        }

        @Override
        public ByteBufAllocator alloc() {
            return frames.alloc();
        }
    }

    /** The packets go as datagrams from the server's two ports of the track to the player's two (RFC 3550 11). */
    record Datagrams(Channel rtp, Channel rtcp, InetSocketAddress rtpTo, InetSocketAddress rtcpTo)
            implements TrackOutput {
        @Override
        public void send(boolean isRtcp, ByteBuf packet) {
            Channel c = isRtcp ? rtcp : rtp;
            c.write(new DatagramPacket(packet, isRtcp ? rtcpTo : rtpTo), c.voidPromise());
        }

        @Override
        public boolean writable() {
            return rtp.isWritable();
        }

        @Override
        public void flush() {
            rtp.flush();
            rtcp.flush();
        }

        @Override
        public ByteBufAllocator alloc() {
            return rtp.alloc();
        }
    }
}
