package io.kvr.bridge.rtspserver;

import io.kvr.runtime.stream.StreamName;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live feeds of this bridge: one per stream being watched here, opened by its first viewer's DESCRIBE or SETUP
 * and closed when its last viewer leaves; at most {@code rtsp.max.viewers} references (viewers) at once over all
 * feeds. Thread-safe.
 */
final class LiveFeeds implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveFeeds.class);

    private final Map<StreamName, LiveFeed> feeds = new HashMap<>();
    private final Function<LiveFeed, AutoCloseable> readers;
    private final MeterRegistry registry;
    private final int maxViewers;
    private int viewers;
    private boolean closed;

    /** At most {@link RtspServerSettings#DEFAULT_MAX_VIEWERS} viewers. */
    LiveFeeds(Function<LiveFeed, AutoCloseable> readers, MeterRegistry registry) {
        this(readers, registry, RtspServerSettings.DEFAULT_MAX_VIEWERS);
    }

    /**
     * @param readers starts what fills a new feed (a {@link FeedReader}), closed with the feed
     * @param maxViewers references held at once over all feeds, past which {@link #acquire} refuses
     */
    LiveFeeds(Function<LiveFeed, AutoCloseable> readers, MeterRegistry registry, int maxViewers) {
        this.readers = readers;
        this.registry = registry;
        this.maxViewers = maxViewers;
    }

    /** {@link #acquire} of one viewer more than {@code rtsp.max.viewers}. */
    static final class Full extends RuntimeException {
        Full(int max) {
            super("this server has its " + max + " viewers (rtsp.max.viewers)", null, false, false);
        }
    }

    /**
     * The feed of {@code stream}, opened when it is the first reference; {@link #release} it once.
     *
     * @throws Full with {@code rtsp.max.viewers} references held already
     */
    LiveFeed acquire(StreamName stream) {
        LiveFeed feed;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the relay is closed");
            }
            if (viewers >= maxViewers) {
                throw new Full(maxViewers);
            }
            viewers++;
            feed = feeds.get(stream);
            if (feed != null) {
                feed.references++;
                return feed;
            }
            feed = new LiveFeed(stream, registry);
            feed.references = 1;
            feeds.put(stream, feed);
            feed.reader = readers.apply(feed);
        }
        log.info("live relay of {} opened", stream);
        return feed;
    }

    void release(LiveFeed feed) {
        synchronized (this) {
            viewers--;
            if (--feed.references > 0 || feeds.get(feed.stream()) != feed) {
                return;
            }
            feeds.remove(feed.stream());
        }
        stop(feed, "no viewer left");
    }

    private static void stop(LiveFeed feed, String why) {
        try {
            feed.reader.close();
        } catch (Exception e) {
            log.warn("live relay of {}: closing its reader failed", feed.stream(), e);
        }
        feed.end(why);
        feed.removeMeters();
        log.info("live relay of {} closed: {}", feed.stream(), why);
    }

    /** Viewers (references) held now. */
    int viewers() {
        synchronized (this) {
            return viewers;
        }
    }

    int open() {
        synchronized (this) {
            return feeds.size();
        }
    }

    @Override
    public void close() {
        Map<StreamName, LiveFeed> all;
        synchronized (this) {
            closed = true;
            all = Map.copyOf(feeds);
            feeds.clear();
        }
        all.values().forEach(f -> stop(f, "the bridge shuts down"));
    }
}
