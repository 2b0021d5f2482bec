package io.kvr.bridge.rtspserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InterleavedFrameDecoderTest {
    private static final String ANNOUNCE = "ANNOUNCE rtsp://h/a/b RTSP/1.0\r\nCSeq: 2\r\n"
            + "Content-Type: application/sdp\r\ncontent-LENGTH:  5 \r\n\r\nv=0\r\n";

    private final EmbeddedChannel channel = new EmbeddedChannel(new InterleavedFrameDecoder(256, 1024));

    @Test
    void splitsMessagesFromFramesAcrossReads() {
        byte[] frame = {'$', 1, 0, 3, 9, 8, 7};
        byte[] all = concat(ANNOUNCE.getBytes(StandardCharsets.US_ASCII), frame, "\r\n".getBytes(), frame);
        for (byte b : all) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        ByteBuf message = channel.readInbound();
        assertThat(message.toString(StandardCharsets.US_ASCII)).isEqualTo(ANNOUNCE);
        message.release();
        for (int i = 0; i < 2; i++) {
            InterleavedFrame f = channel.readInbound();
            assertThat(f.channel()).isEqualTo(1);
            assertThat(f.data()).containsExactly(9, 8, 7);
        }
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void headerOverTheLimitFailsAndDiscardsTheRest() {
        String longHeader = "OPTIONS * RTSP/1.0\r\nX: " + "a".repeat(300);
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.copiedBuffer(longHeader, StandardCharsets.US_ASCII)))
                .isInstanceOf(TooLongFrameException.class);
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'$', 0, 0, 1, 5}));
        assertThat((Object) channel.readInbound()).isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void bodyOverTheLimitOrUnreadableLengthFails() {
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.copiedBuffer(
                        "A b RTSP/1.0\r\nContent-Length: 2000\r\n\r\n", StandardCharsets.US_ASCII)))
                .isInstanceOf(TooLongFrameException.class);
        EmbeddedChannel other = new EmbeddedChannel(new InterleavedFrameDecoder(256, 1024));
        assertThatThrownBy(() -> other.writeInbound(
                        Unpooled.copiedBuffer("A b RTSP/1.0\r\nContent-Length: -1\r\n\r\n", StandardCharsets.US_ASCII)))
                .isInstanceOf(CorruptedFrameException.class);
        channel.finishAndReleaseAll();
        other.finishAndReleaseAll();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
