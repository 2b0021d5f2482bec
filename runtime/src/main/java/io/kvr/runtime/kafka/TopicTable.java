package io.kvr.runtime.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest value per key of a compacted topic, kept current: reads every partition from the beginning (no
 * consumer group, no commits) on its own thread and follows it. A tombstone removes its key. {@link #awaitLoaded}
 * waits until everything written before the table started has been read, so a reader can answer as if it had
 * always been running.
 *
 * <p>A topic created a moment before (a fresh cluster's first start) is waited for until it has partitions;
 * partitions added later are found within {@value #PARTITION_REFRESH_SECONDS} s and read from their beginning.
 */
public final class TopicTable<K, V> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopicTable.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration PARTITIONS_TIMEOUT = Duration.ofSeconds(30);
    private static final int PARTITION_REFRESH_SECONDS = 30;

    /** A value and where it was read; partition and offset are -1 for a value put here by {@link #compute}. */
    public record Row<V>(V value, int partition, long offset) {}

    /** Where a record is, for messages about it. */
    public record Where(String topic, int partition, long offset) {
        @Override
        public String toString() {
            return topic + "-" + partition + " offset " + offset;
        }
    }

    /** What a table does with what it reads, beyond keeping the latest value per key. */
    public interface Rules<K, V> {
        /**
         * The value to keep for {@code key} once {@code read} has been read; {@code stored} is the value kept so far
         * (null: none), and a null answer keeps none.
         *
         * @throws IllegalArgumentException when {@code read} is not acceptable: it is then treated as unreadable
         */
        default V merge(K key, V stored, V read) {
            return read;
        }

        /** A tombstone removed {@code key}'s value. */
        default void removed(K key) {}

        /**
         * A record whose key ({@code key} null) or value cannot be read, or a value {@link #merge} refused.
         *
         * @param removed whether the key's previous value was dropped (see {@link #unreadableRemoves()})
         */
        default void unreadable(Where where, K key, boolean removed, RuntimeException why) {}

        /**
         * Whether an unreadable value removes its key's previous value. True by default: the latest value is
         * unreadable, and keeping the previous one would contradict whoever wrote it.
         */
        default boolean unreadableRemoves() {
            return true;
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topic<K, V> topic;
    private final Rules<K, V> rules;
    private final ConcurrentMap<K, Row<V>> rows = new ConcurrentHashMap<>();
    private final Map<Integer, Long> positions = new HashMap<>(); // guarded by this
    private Map<Integer, Long> initialEnd; // guarded by this; null until known
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param clientId the consumer's client id
     * @param threadName the reader thread's name, which also names the table in log lines
     */
    public TopicTable(KafkaClients clients, Topic<K, V> topic, String clientId, String threadName, Rules<K, V> rules) {
        // a fetch returns as soon as a record arrives; the wait only bounds idle fetches, which cost the broker
        this.consumer = clients.assigningConsumer(
                clientId,
                Map.of(
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                        500));
        this.topic = topic;
        this.rules = rules;
        this.thread = Thread.ofPlatform().name(threadName).daemon(true).unstarted(this::run);
    }

    /** A table that keeps every readable value and ignores what it cannot read. */
    public TopicTable(KafkaClients clients, Topic<K, V> topic, String clientId, String threadName) {
        this(clients, topic, clientId, threadName, new Rules<>() {});
    }

    public TopicTable<K, V> start() {
        thread.start();
        return this;
    }

    public Topic<K, V> topic() {
        return topic;
    }

    /** False once the reader stopped (closed, or failed: the log says why). */
    public boolean alive() {
        return thread.isAlive();
    }

    /** Runs {@code listener} on the reader's thread after each batch of records that changed the table. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    public Optional<V> get(K key) {
        return row(key).map(Row::value);
    }

    public Optional<Row<V>> row(K key) {
        return Optional.ofNullable(rows.get(key));
    }

    /** The rows now, a copy the table no longer changes. */
    public Map<K, Row<V>> rows() {
        return Map.copyOf(rows);
    }

    /** The values now, a copy the table no longer changes, in no particular order. */
    public List<V> values() {
        List<V> out = new ArrayList<>(rows.size());
        rows.values().forEach(r -> out.add(r.value()));
        return out;
    }

    /**
     * Changes {@code key}'s value here only, before (or instead of) reading it back from the topic: what this
     * instance just wrote is visible at once. {@code change} gets the value kept so far (null: none) and answers
     * the value to keep (null: none). Listeners are not told.
     */
    public void compute(K key, UnaryOperator<V> change) {
        rows.compute(key, (k, row) -> {
            V now = change.apply(row == null ? null : row.value());
            return now == null ? null : new Row<>(now, -1, -1);
        });
    }

    /** Removes {@code key} here only; a later record of it is read as any other. */
    public void remove(K key) {
        rows.remove(key);
    }

    /** How far the table has read {@code partition}: the next offset; -1 before it knows. */
    public synchronized long position(int partition) {
        return positions.getOrDefault(partition, -1L);
    }

    /** True once everything written before the table started has been read. */
    public synchronized boolean loaded() {
        if (initialEnd == null) {
            return false;
        }
        for (var e : initialEnd.entrySet()) {
            if (positions.getOrDefault(e.getKey(), -1L) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Waits until {@link #loaded()}; false on time-out or when the reader stopped. */
    public synchronized boolean awaitLoaded(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!loaded()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !thread.isAlive()) {
                return loaded();
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Waits until the table has read {@code partition} past {@code offset}; false on time-out or when stopped. */
    public synchronized boolean awaitRead(int partition, long offset, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (positions.getOrDefault(partition, -1L) <= offset) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !thread.isAlive()) {
                return positions.getOrDefault(partition, -1L) > offset;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    private void run() {
        String name = Thread.currentThread().getName();
        try {
            List<TopicPartition> assigned = assignAll(List.of());
            synchronized (this) {
                Map<Integer, Long> end = new HashMap<>();
                consumer.endOffsets(assigned).forEach((tp, o) -> end.put(tp.partition(), o));
                initialEnd = end;
            }
            long nextRefresh = System.nanoTime()
                    + Duration.ofSeconds(PARTITION_REFRESH_SECONDS).toNanos();
            while (running) {
                boolean changed = false;
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    changed |= apply(r);
                }
                synchronized (this) {
                    for (TopicPartition tp : assigned) {
                        positions.put(tp.partition(), consumer.position(tp));
                    }
                    notifyAll();
                }
                if (changed) {
                    listeners.forEach(Runnable::run);
                }
                if (System.nanoTime() - nextRefresh > 0) {
                    assigned = assignAll(assigned);
                    nextRefresh = System.nanoTime()
                            + Duration.ofSeconds(PARTITION_REFRESH_SECONDS).toNanos();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("{}: reader of {} woken unexpectedly", name, topic.name(), e);
            }
        } catch (RuntimeException e) {
            log.error("{}: reader of {} stopped: {}", name, topic.name(), e.toString(), e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Assigns every partition of the topic; partitions new since {@code before} are read from the beginning. */
    private List<TopicPartition> assignAll(List<TopicPartition> before) {
        List<TopicPartition> all = TopicPartitions.await(consumer, topic.name(), PARTITIONS_TIMEOUT);
        if (all.size() == before.size()) {
            return before;
        }
        if (!before.isEmpty()) {
            log.warn(
                    "topic {} grew from {} to {} partitions: a key may now be stored twice; recreate it instead",
                    topic.name(),
                    before.size(),
                    all.size());
        }
        consumer.assign(all);
        List<TopicPartition> added = new ArrayList<>(all);
        added.removeAll(before);
        consumer.seekToBeginning(added);
        return all;
    }

    /** Applies one record; true when it changed the table. */
    private boolean apply(ConsumerRecord<byte[], byte[]> r) {
        Where where = new Where(r.topic(), r.partition(), r.offset());
        K key;
        try {
            if (r.key() == null) {
                throw new IllegalArgumentException("no key");
            }
            key = topic.keys().decode(r.key());
        } catch (RuntimeException e) {
            rules.unreadable(where, null, false, e);
            return false;
        }
        if (r.value() == null) {
            if (rows.remove(key) == null) {
                return false;
            }
            rules.removed(key);
            return true;
        }
        Row<V> stored = rows.get(key);
        V kept;
        try {
            V read = topic.values().decode(r.value());
            kept = rules.merge(key, stored == null ? null : stored.value(), read);
        } catch (IllegalArgumentException e) {
            boolean removes = rules.unreadableRemoves();
            rules.unreadable(where, key, removes && rows.remove(key) != null, e);
            return removes;
        }
        if (kept == null) {
            return rows.remove(key) != null;
        }
        if (stored != null && kept == stored.value()) {
            return false;
        }
        rows.put(key, new Row<>(kept, r.partition(), r.offset()));
        return true;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
