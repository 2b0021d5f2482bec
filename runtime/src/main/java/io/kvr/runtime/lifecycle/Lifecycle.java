package io.kvr.runtime.lifecycle;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parts registered as they start are closed in reverse order, once, on {@link #close()} or on JVM shutdown
 * (Ctrl-C). {@link #awaitShutdown()} blocks a {@code main} until then.
 */
public final class Lifecycle implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    private final String name;
    private final Deque<Part> parts = new ArrayDeque<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean closed;

    public Lifecycle(String name) {
        this.name = name;
    }

    /** Registers {@code part} to be closed at shutdown and returns it. */
    public synchronized <T extends AutoCloseable> T own(String partName, T part) {
        if (closed) {
            closeQuietly(new Part(partName, part));
            throw new IllegalStateException(name + " is shutting down");
        }
        parts.push(new Part(partName, part));
        return part;
    }

    public Lifecycle closeOnShutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, name + "-shutdown"));
        return this;
    }

    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        log.info("{} stopping", name);
        Part p;
        while ((p = pollPart()) != null) {
            closeQuietly(p);
        }
        log.info("{} stopped", name);
        stopped.countDown();
    }

    private synchronized Part pollPart() {
        return parts.poll();
    }

    private static void closeQuietly(Part p) {
        try {
            p.part.close();
        } catch (Exception e) {
            log.warn("closing {} failed: {}", p.name, e.toString());
        }
    }

    private record Part(String name, AutoCloseable part) {}
}
