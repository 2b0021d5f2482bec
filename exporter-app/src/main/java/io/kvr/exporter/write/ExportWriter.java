package io.kvr.exporter.write;

import io.kvr.exporter.plan.ExportPlan;
import io.kvr.exporter.plan.FragmentHeaders;
import io.kvr.exporter.plan.MediaRead;
import io.kvr.runtime.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongConsumer;

/**
 * Writes a planned export (or a byte range of it) to a stream: the header from memory, then the media by ranged
 * object reads (an fMP4's fragment headers, built from the plan's tables, in between), straight through, no
 * temporary file. A few reads run ahead on virtual threads so object storage latency overlaps the client's
 * download; memory is bounded by {@code readAhead} reads (about a segment each).
 */
public final class ExportWriter {
    private final ObjectStore store;
    private final int readAhead;
    private final long bytesPerSecond;

    /** {@code bytesPerSecond} caps each export's speed (0: as fast as storage reads), to spare live traffic. */
    public ExportWriter(ObjectStore store, int readAhead, long bytesPerSecond) {
        this.store = store;
        this.readAhead = Math.max(1, readAhead);
        this.bytesPerSecond = bytesPerSecond;
    }

    /** Writes bytes {@code [from, to)} of the export; {@code progress} gets the count of bytes written so far. */
    public void write(ExportPlan plan, long from, long to, OutputStream out, LongConsumer progress) throws IOException {
        byte[] header = plan.header();
        long started = System.nanoTime();
        long written = 0;
        if (from < header.length) {
            int end = (int) Math.min(header.length, to);
            out.write(header, (int) from, end - (int) from);
            written += end - from;
            progress.accept(written);
        }
        FragmentHeaders fragments = plan.fragments();
        int fragment = 0;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Deque<Pending> ahead = new ArrayDeque<>();
            var reads = plan.reads().iterator();
            while (true) {
                while (ahead.size() < readAhead && reads.hasNext()) {
                    MediaRead r = reads.next();
                    long start = Math.max(from, r.fileOffset());
                    long end = Math.min(to, r.fileOffset() + r.length());
                    if (end <= start) {
                        continue;
                    }
                    long objectOffset = r.objectOffset() + (start - r.fileOffset());
                    long length = end - start;
                    ahead.add(new Pending(
                            start, CompletableFuture.supplyAsync(() -> fetch(r.key(), objectOffset, length), pool)));
                }
                Pending next = ahead.poll();
                // an fMP4's fragment headers before the next read (all that are left after the last one)
                long until = next == null ? Long.MAX_VALUE : next.fileOffset();
                for (; fragment < fragments.count() && fragments.offset(fragment) < until; fragment++) {
                    long at = fragments.offset(fragment);
                    long start = Math.max(from, at);
                    long end = Math.min(to, at + fragments.size(fragment));
                    if (end > start) {
                        out.write(fragments.bytes(fragment), (int) (start - at), (int) (end - start));
                        written += end - start;
                        progress.accept(written);
                    }
                }
                if (next == null) {
                    break;
                }
                byte[] bytes = join(next.bytes(), ahead);
                out.write(bytes);
                written += bytes.length;
                progress.accept(written);
                pace(started, written);
            }
        }
        out.flush();
    }

    private void pace(long started, long written) throws InterruptedIOException {
        if (bytesPerSecond <= 0) {
            return;
        }
        long due = started + (long) (written * 1e9 / bytesPerSecond);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("export interrupted");
            }
        }
    }

    private byte[] fetch(String key, long offset, long length) {
        try (InputStream in = store.get(key, offset, length)) {
            byte[] bytes = in.readNBytes((int) length);
            if (bytes.length != length) {
                throw new IllegalStateException("object " + key + " is shorter than its segment record says ("
                        + bytes.length + " of " + length + " bytes from " + offset + ")");
            }
            return bytes;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + key, e);
        }
    }

    /** A read under way whose bytes go to {@code fileOffset}. */
    private record Pending(long fileOffset, CompletableFuture<byte[]> bytes) {}

    private static byte[] join(CompletableFuture<byte[]> next, Deque<Pending> ahead) throws IOException {
        try {
            return next.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ahead.forEach(f -> f.bytes().cancel(true));
            throw new InterruptedIOException("export interrupted");
        } catch (ExecutionException e) {
            ahead.forEach(f -> f.bytes().cancel(true));
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(cause);
        }
    }
}
