package io.kvr.bridge.rtspserver;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Splits an RTSP connection's byte stream into whole RTSP messages and interleaved binary frames (RFC 2326 10.12,
 * RFC 7826 14): at a message boundary, {@code $} starts a frame ({@code $}, channel, 16-bit length, data) handed on
 * as an {@link InterleavedFrame}; anything else starts an RTSP message, handed on as one {@link ByteBuf} holding
 * its header and its {@code Content-Length} body, for Netty's {@code RtspDecoder} behind this handler.
 *
 * <p>Bounded: a message header longer than {@code maxHeaderBytes} without its blank line, or a body over {@code
 * maxBodyBytes}, or an unreadable {@code Content-Length}, fails the connection ({@link TooLongFrameException},
 * {@link CorruptedFrameException}), as does a {@code Transfer-Encoding} header, and everything after is discarded; a frame is at most 65535 bytes by its length
 * field. So at most one header, one body or one frame is buffered. Empty lines between messages are skipped (RFC
 * 7826 20.2.2 lets a peer send them as keep-alive).
 */
public final class InterleavedFrameDecoder extends ByteToMessageDecoder {
    private static final byte DOLLAR = '$';
    private static final int FRAME_HEADER = 4;
    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRANSFER_ENCODING = "transfer-encoding:".getBytes(StandardCharsets.US_ASCII);
    /** {@link #partialSinceNanos()} when no message or frame is begun and incomplete. */
    static final long NOT_PARTIAL = Long.MIN_VALUE;

    private final int maxHeaderBytes;
    private final int maxBodyBytes;
    private boolean failed;
    private long partialSince = NOT_PARTIAL;

    public InterleavedFrameDecoder(int maxHeaderBytes, int maxBodyBytes) {
        if (maxHeaderBytes < 16 || maxBodyBytes < 0) {
            throw new IllegalArgumentException("header limit " + maxHeaderBytes + ", body limit " + maxBodyBytes);
        }
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            int before = out.size();
            while (in.isReadable()) {
                Object next = next(in);
                if (next == null) {
                    break;
                }
                out.add(next);
            }
            if (!in.isReadable()) {
                partialSince = NOT_PARTIAL;
            } else if (partialSince == NOT_PARTIAL || out.size() > before) {
                // what is left was begun in this read
                partialSince = System.nanoTime();
            }
        } catch (TooLongFrameException | CorruptedFrameException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    /** When the message or frame now incomplete was begun ({@link System#nanoTime()}), or {@link #NOT_PARTIAL}. */
    long partialSinceNanos() {
        return partialSince;
    }

    /** Bytes held while waiting for the rest of a message or frame. */
    int buffered() {
        return internalBuffer().readableBytes();
    }

    /** The next whole message or frame, or null when more bytes are needed. */
    private Object next(ByteBuf in) throws TooLongFrameException, CorruptedFrameException {
        while (in.isReadable() && (in.getByte(in.readerIndex()) == '\r' || in.getByte(in.readerIndex()) == '\n')) {
            in.skipBytes(1);
        }
        if (!in.isReadable()) {
            return null;
        }
        int start = in.readerIndex();
        byte first = in.getByte(start);
        if (first == DOLLAR) {
            if (in.readableBytes() < FRAME_HEADER) {
                return null;
            }
            int channel = in.getUnsignedByte(start + 1);
            int length = in.getUnsignedShort(start + 2);
            if (in.readableBytes() < FRAME_HEADER + length) {
                return null;
            }
            byte[] data = new byte[length];
            in.skipBytes(FRAME_HEADER);
            in.readBytes(data);
            return new InterleavedFrame(channel, data);
        }
        int headerEnd = headerEnd(in, start);
        if (headerEnd < 0) {
            if (in.readableBytes() > maxHeaderBytes) {
                throw new TooLongFrameException("RTSP message header over " + maxHeaderBytes + " bytes");
            }
            return null;
        }
        if (headerEnd - start > maxHeaderBytes) {
            throw new TooLongFrameException("RTSP message header over " + maxHeaderBytes + " bytes");
        }
        long body = contentLength(in, start, headerEnd);
        if (body > maxBodyBytes) {
            throw new TooLongFrameException("RTSP message body of " + body + " bytes, over " + maxBodyBytes);
        }
        int total = headerEnd - start + (int) body;
        if (in.readableBytes() < total) {
            return null;
        }
        return in.readRetainedSlice(total);
    }

    /** Index just after the header's blank line (CRLFCRLF, or LFLF from lenient peers), or -1 if not there yet. */
    private int headerEnd(ByteBuf in, int start) {
        int end = Math.min(in.writerIndex(), start + maxHeaderBytes + 4);
        for (int i = start; i < end; i++) {
            if (in.getByte(i) != '\n') {
                continue;
            }
            if (i + 1 < end && in.getByte(i + 1) == '\n') {
                return i + 2;
            }
            if (i + 2 < end && in.getByte(i + 1) == '\r' && in.getByte(i + 2) == '\n') {
                return i + 3;
            }
        }
        return -1;
    }

    /** The Content-Length header's value (RFC 7826 18.17), 0 when there is none. */
    private long contentLength(ByteBuf in, int start, int headerEnd) throws CorruptedFrameException {
        int i = start;
        long value = -1;
        while (i < headerEnd) {
            int lineEnd = in.indexOf(i, headerEnd, (byte) '\n');
            if (lineEnd < 0) {
                lineEnd = headerEnd;
            }
            if (startsWithIgnoreCase(in, i, lineEnd, CONTENT_LENGTH)) {
                if (value >= 0) {
                    throw new CorruptedFrameException("RTSP message with two Content-Length headers");
                }
                value = digits(in, i + CONTENT_LENGTH.length, lineEnd);
            } else if (startsWithIgnoreCase(in, i, lineEnd, TRANSFER_ENCODING)) {
                // RTSP has no transfer codings: a body's length is its Content-Length (RFC 7826 18.17)
                throw new CorruptedFrameException("RTSP message with a Transfer-Encoding");
            }
            i = lineEnd + 1;
        }
        return Math.max(value, 0);
    }

    private static boolean startsWithIgnoreCase(ByteBuf in, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            int c = in.getByte(from + k);
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != prefix[k]) {
                return false;
            }
        }
        return true;
    }

    /** A decimal value between optional white space; at most 9 digits, so it cannot overflow. */
    private static long digits(ByteBuf in, int from, int to) throws CorruptedFrameException {
        long v = 0;
        int count = 0;
        boolean ended = false;
        for (int i = from; i < to; i++) {
            byte c = in.getByte(i);
            if (c == ' ' || c == '\t' || c == '\r') {
                ended = count > 0;
                continue;
            }
            if (c < '0' || c > '9' || ended || ++count > 9) {
                throw new CorruptedFrameException("RTSP Content-Length is not a number");
            }
            v = v * 10 + (c - '0');
        }
        if (count == 0) {
            throw new CorruptedFrameException("RTSP Content-Length is empty");
        }
        return v;
    }
}
