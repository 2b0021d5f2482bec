package io.kvr.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A response body written from a handler's thread onto a connection: bytes are gathered into buffers of
 * {@link #BUFFER} bytes and each full one is sent as it fills. The writer waits while the connection's outbound
 * buffer is above its high-water mark (a client reading slowly slows the handler, nothing piles up in memory) and
 * fails once the connection is gone or has not drained for the write deadline. Counts what it sent, and refuses to
 * send more than {@code limit} bytes (a body longer than its {@code Content-Length} would corrupt the connection).
 */
final class BodyStream extends OutputStream {
    static final int BUFFER = 64 * 1024;

    private final Channel channel;
    private final Object writable;
    private final long writeTimeoutNanos;
    private final long limit;
    private ByteBuf buffer;
    private long written;

    BodyStream(Channel channel, Object writable, long writeTimeoutNanos, long limit) {
        this.channel = channel;
        this.writable = writable;
        this.writeTimeoutNanos = writeTimeoutNanos;
        this.limit = limit;
    }

    long written() {
        return written;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        if (written + len > limit) {
            throw new IOException("response body longer than its Content-Length " + limit);
        }
        written += len;
        while (len > 0) {
            if (buffer == null) {
                buffer = channel.alloc().buffer(BUFFER, BUFFER);
            }
            int take = Math.min(len, buffer.writableBytes());
            buffer.writeBytes(b, off, take);
            off += take;
            len -= take;
            if (!buffer.isWritable()) {
                send();
            }
        }
    }

    @Override
    public void flush() throws IOException {
        if (buffer != null && buffer.isReadable()) {
            send();
        }
    }

    /** Sends what is buffered (no flush of an empty body); the stream stays usable. */
    void finish() throws IOException {
        flush();
    }

    /** The body failed: sends what was written so far, if the connection takes it, else drops it. */
    void abandon() {
        try {
            flush();
        } catch (IOException e) {
            // the connection is gone too
        } finally {
            if (buffer != null) {
                buffer.release();
                buffer = null;
            }
        }
    }

    @Override
    public void close() {
        // the connection outlives the body
    }

    private void send() throws IOException {
        ByteBuf out = buffer;
        buffer = null;
        awaitWritable(out);
        channel.writeAndFlush(new DefaultHttpContent(out), channel.voidPromise());
    }

    private void awaitWritable(ByteBuf pending) throws IOException {
        if (channel.isWritable()) {
            return;
        }
        long deadline = System.nanoTime() + writeTimeoutNanos;
        synchronized (writable) {
            while (!channel.isWritable()) {
                long left = deadline - System.nanoTime();
                if (!channel.isActive() || left <= 0) {
                    pending.release();
                    throw new IOException(channel.isActive() ? "client stopped reading" : "client went away");
                }
                try {
                    writable.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    pending.release();
                    throw new IOException("interrupted while writing a response");
                }
            }
        }
        if (!channel.isActive()) {
            pending.release();
            throw new IOException("client went away");
        }
    }
}
