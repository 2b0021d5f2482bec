package io.kvr.bridge.sources;

import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.Secrets;
import io.kvr.runtime.kafka.AvroCodec;
import io.kvr.runtime.kafka.TopicPartitions;
import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.CameraSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every camera in the sources topic, kept current: reads all partitions from the beginning (no consumer group, no
 * commits) and follows them. The latest value per key wins; a tombstone removes the camera. Bridges read it whole
 * so that any instance can list every camera and answer for any of them.
 */
final class SourceCatalog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SourceCatalog.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration PARTITION_REFRESH = Duration.ofSeconds(30);

    /** One stored camera and where it is stored. */
    record Entry(CameraSpec spec, CameraSource stored, int partition, long offset) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final AvroCodec<CameraSource> codec = new AvroCodec<>(CameraSource.class);
    private final ConcurrentMap<StreamName, Entry> entries = new ConcurrentHashMap<>();
    private final Map<Integer, Long> positions = new HashMap<>();   // guarded by this
    private Map<Integer, Long> initialEnd;                          // guarded by this; null until known
    private final Counter badRecords;
    private final Thread thread;
    private volatile Runnable onChange = () -> { };
    private volatile boolean running = true;

    SourceCatalog(KafkaSettings kafka, String clientId, MeterRegistry metrics) {
        // a fetch returns as soon as a record arrives; the wait only bounds idle fetches, which cost the broker
        Map<String, Object> config = kafka.clientConfig(Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500));
        // a reader of the whole topic, not a group member
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.topic = kafka.topics().sources();
        this.badRecords = metrics.counter("kvr_bridge_sources_bad_records");
        this.thread = Thread.ofPlatform().name("camera-sources").daemon(true).unstarted(this::run);
    }

    /** Starts following the topic; {@code changed} runs on the reader's thread after each batch that changed something. */
    SourceCatalog start(Runnable changed) {
        this.onChange = changed;
        thread.start();
        return this;
    }

    boolean alive() {
        return thread.isAlive();
    }

    Optional<Entry> get(StreamName name) {
        return Optional.ofNullable(entries.get(name));
    }

    Collection<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** How far this catalog has read {@code partition}: the next offset; -1 before it knows. */
    synchronized long position(int partition) {
        return positions.getOrDefault(partition, -1L);
    }

    /** Waits until everything written before the catalog started has been read; false on time-out. */
    synchronized boolean awaitLoaded(Duration timeout) throws InterruptedException {
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

    private boolean loaded() {
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

    /** Waits until the catalog has read {@code partition} past {@code offset}; false on time-out. */
    synchronized boolean awaitRead(int partition, long offset, Duration timeout) throws InterruptedException {
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
        try {
            List<TopicPartition> assigned = assignAll(List.of());
            synchronized (this) {
                Map<Integer, Long> end = new HashMap<>();
                consumer.endOffsets(assigned).forEach((tp, o) -> end.put(tp.partition(), o));
                initialEnd = end;
            }
            long nextRefresh = System.nanoTime() + PARTITION_REFRESH.toNanos();
            while (running) {
                var batch = consumer.poll(POLL);
                boolean changed = false;
                for (ConsumerRecord<String, byte[]> r : batch) {
                    changed |= apply(r);
                }
                synchronized (this) {
                    for (TopicPartition tp : assigned) {
                        positions.put(tp.partition(), consumer.position(tp));
                    }
                    notifyAll();
                }
                if (changed) {
                    onChange.run();
                }
                if (System.nanoTime() > nextRefresh) {
                    assigned = assignAll(assigned);
                    nextRefresh = System.nanoTime() + PARTITION_REFRESH.toNanos();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("camera sources reader woken unexpectedly", e);
            }
        } catch (RuntimeException e) {
            log.error("camera sources reader stopped: {}", e.toString(), e);
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Assigns every partition of the topic; partitions new since {@code before} are read from the beginning. */
    private List<TopicPartition> assignAll(List<TopicPartition> before) {
        List<TopicPartition> all = TopicPartitions.await(consumer, topic, Duration.ofSeconds(30));
        if (all.size() == before.size()) {
            return before;
        }
        if (!before.isEmpty()) {
            log.warn("topic {} grew from {} to {} partitions: cameras may now be stored twice; recreate it instead",
                    topic, before.size(), all.size());
        }
        consumer.assign(all);
        List<TopicPartition> added = new ArrayList<>(all);
        added.removeAll(before);
        consumer.seekToBeginning(added);
        return all;
    }

    private boolean apply(ConsumerRecord<String, byte[]> r) {
        StreamName name;
        try {
            name = StreamName.parse(r.key());
        } catch (IllegalArgumentException e) {
            badRecords.increment();
            log.warn("sources topic {}-{} offset {}: key is not a stream id, ignored: {}", r.topic(), r.partition(),
                    r.offset(), Secrets.redactUrl(e.getMessage()));
            return false;
        }
        if (r.value() == null) {
            return entries.remove(name) != null;
        }
        try {
            CameraSource stored = codec.decode(r.value());
            entries.put(name, new Entry(CameraSpec.fromAvro(name, stored), stored, r.partition(), r.offset()));
        } catch (IllegalArgumentException e) {
            // the latest value is unreadable: recording the previous one would contradict whoever wrote it
            badRecords.increment();
            log.warn("sources topic {}-{} offset {}: camera {} has an unreadable value, not recorded: {}", r.topic(),
                    r.partition(), r.offset(), name, Secrets.redactUrl(e.getMessage()));
            entries.remove(name);
        }
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
