package io.kvr.bridge.rtspserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The split of an RTSP connection into messages and interleaved frames: whatever the bytes and however they are cut
 * into reads, only messages, frames or a decoder error come out, and no more than one message or frame is held.
 */
class InterleavedFrameDecoderProperties {
    private static final int MAX_HEADER = 512;
    private static final int MAX_BODY = 2048;

    @Property(tries = 1000)
    void arbitraryBytesGiveMessagesFramesOrAClosingError(
            @ForAll @Size(max = 2000) byte[] bytes, @ForAll @IntRange(min = 32, max = 700) int readSize) {
        InterleavedFrameDecoder decoder = new InterleavedFrameDecoder(MAX_HEADER, MAX_BODY);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        try {
            for (int at = 0; at < bytes.length; at += readSize) {
                int n = Math.min(readSize, bytes.length - at);
                try {
                    channel.writeInbound(Unpooled.wrappedBuffer(bytes, at, n));
                } catch (DecoderException e) {
                    // the connection is closed on this: what follows is discarded
                }
                // one header and body, or one frame (at most 65535 bytes by its length field), plus the last read
                assertThat(decoder.buffered()).isLessThanOrEqualTo(Math.max(65_539, MAX_HEADER + MAX_BODY) + readSize);
                Object out;
                while ((out = channel.readInbound()) != null) {
                    assertThat(out).isInstanceOfAny(ByteBuf.class, InterleavedFrame.class);
                    if (out instanceof ByteBuf b) {
                        assertThat(b.readableBytes()).isLessThanOrEqualTo(MAX_HEADER + 4 + MAX_BODY);
                        b.release();
                    }
                }
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Property(tries = 300)
    void messagesAndFramesComeBackAsSentHoweverTheyAreRead(
            @ForAll("pieces") List<byte[]> pieces, @ForAll @IntRange(min = 64, max = 3000) int readSize) {
        byte[] all = InterleavedFrameDecoderTest.concat(pieces.toArray(byte[][]::new));
        EmbeddedChannel channel = new EmbeddedChannel(new InterleavedFrameDecoder(MAX_HEADER, MAX_BODY));
        List<byte[]> got = new ArrayList<>();
        for (int at = 0; at < all.length; at += readSize) {
            channel.writeInbound(Unpooled.wrappedBuffer(all, at, Math.min(readSize, all.length - at)));
            Object out;
            while ((out = channel.readInbound()) != null) {
                if (out instanceof ByteBuf b) {
                    byte[] copy = new byte[b.readableBytes()];
                    b.readBytes(copy);
                    b.release();
                    got.add(copy);
                } else {
                    InterleavedFrame f = (InterleavedFrame) out;
                    got.add(frame(f.channel(), f.data()));
                }
            }
        }
        assertThat(channel.finish()).isFalse();
        assertThat(got).hasSameSizeAs(pieces);
        for (int i = 0; i < got.size(); i++) {
            assertThat(Arrays.equals(got.get(i), pieces.get(i)))
                    .as("piece %d", i)
                    .isTrue();
        }
    }

    @Provide
    Arbitrary<List<byte[]>> pieces() {
        Arbitrary<byte[]> frames = Combinators.combine(
                        Arbitraries.integers().between(0, 255),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(1500))
                .as(InterleavedFrameDecoderProperties::frame);
        Arbitrary<byte[]> messages = Combinators.combine(
                        Arbitraries.of("OPTIONS", "ANNOUNCE", "GET_PARAMETER"),
                        Arbitraries.integers().between(1, 99999),
                        Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(MAX_BODY))
                .as((method, cseq, body) -> (method + " rtsp://h/a/b RTSP/1.0\r\nCSeq: " + cseq
                                + (body.isEmpty() ? "" : "\r\nContent-Length: " + body.length()) + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.US_ASCII));
        return Arbitraries.oneOf(frames, messages).list().ofMaxSize(12);
    }

    private static byte[] frame(int channel, byte[] data) {
        byte[] out = new byte[4 + data.length];
        out[0] = '$';
        out[1] = (byte) channel;
        out[2] = (byte) (data.length >> 8);
        out[3] = (byte) data.length;
        System.arraycopy(data, 0, out, 4, data.length);
        return out;
    }
}
