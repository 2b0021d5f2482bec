package io.kvr.runtime.policy;

import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.kafka.TopicPartitions;
import io.kvr.runtime.stream.StreamName;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.CloseOptions;
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
 * Every application's recording policy, kept current: reads the compacted policies topic whole from the beginning
 * (no consumer group, no commits) and follows it, so a change applies in every reader without a restart. The
 * latest value per application wins; a tombstone (or an unreadable value) leaves the defaults.
 */
public final class PolicyCatalog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PolicyCatalog.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final PolicyDefaults defaults;
    private final PolicyRecords records = new PolicyRecords();
    private final ConcurrentMap<String, AppPolicy> policies = new ConcurrentHashMap<>();
    private final Map<Integer, Long> positions = new HashMap<>();   // guarded by this
    private Map<Integer, Long> initialEnd;                          // guarded by this; null until known
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final Counter badRecords;
    private final Thread thread;
    private volatile boolean running = true;

    public PolicyCatalog(KafkaSettings kafka, String clientId, PolicyDefaults defaults, MeterRegistry metrics) {
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
        this.topic = kafka.topics().policies();
        this.defaults = defaults;
        this.badRecords = Counter.builder("kvr_policies_bad_records")
                .description("policies topic values that could not be read (defaults apply)").register(metrics);
        this.thread = Thread.ofPlatform().name("policies-" + clientId).daemon(true).unstarted(this::run);
    }

    public PolicyCatalog start() {
        thread.start();
        return this;
    }

    public boolean alive() {
        return thread.isAlive();
    }

    public PolicyDefaults defaults() {
        return defaults;
    }

    /** Runs {@code listener} on the reader's thread after each batch that changed a policy. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    public Optional<AppPolicy> get(String app) {
        return Optional.ofNullable(policies.get(app));
    }

    public List<AppPolicy> all() {
        List<AppPolicy> out = new ArrayList<>(policies.values());
        out.sort(java.util.Comparator.comparing(AppPolicy::app));
        return out;
    }

    /** What applies to {@code stream} now. */
    public EffectivePolicy effective(StreamName stream) {
        AppPolicy p = policies.get(stream.app());
        return p == null ? EffectivePolicy.of(defaults) : p.effective(stream.stream(), defaults);
    }

    /** True once everything written before the catalog started has been read. */
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

    /** Waits until the catalog has read {@code partition} past {@code offset}; false on time-out. */
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
        try {
            List<TopicPartition> all = TopicPartitions.await(consumer, topic, Duration.ofSeconds(30));
            consumer.assign(all);
            consumer.seekToBeginning(all);
            synchronized (this) {
                Map<Integer, Long> end = new HashMap<>();
                consumer.endOffsets(all).forEach((tp, o) -> end.put(tp.partition(), o));
                initialEnd = end;
            }
            while (running) {
                boolean changed = false;
                for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                    changed |= apply(r);
                }
                synchronized (this) {
                    for (TopicPartition tp : all) {
                        positions.put(tp.partition(), consumer.position(tp));
                    }
                    notifyAll();
                }
                if (changed) {
                    listeners.forEach(Runnable::run);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("policies reader woken unexpectedly", e);
            }
        } catch (RuntimeException e) {
            log.error("policies reader stopped: {}", e.toString(), e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            synchronized (this) {
                notifyAll();
            }
        }
    }

    private boolean apply(ConsumerRecord<String, byte[]> r) {
        String app = r.key();
        if (app == null) {
            badRecords.increment();
            log.warn("policies topic {}-{} offset {}: no key, ignored", r.topic(), r.partition(), r.offset());
            return false;
        }
        if (r.value() == null) {
            boolean removed = policies.remove(app) != null;
            if (removed) {
                log.info("recording policy of application {} removed: defaults apply", app);
            }
            return removed;
        }
        try {
            AppPolicy policy = records.decode(r.value());
            if (!policy.app().equals(app)) {
                throw new IllegalArgumentException("value names application " + policy.app());
            }
            policies.put(app, policy);
            log.info("recording policy of application {}: {}", app, policy);
        } catch (IllegalArgumentException e) {
            badRecords.increment();
            log.warn("policies topic {}-{} offset {}: policy of application {} is unreadable, defaults apply: {}",
                    r.topic(), r.partition(), r.offset(), app, e.getMessage());
            policies.remove(app);
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
