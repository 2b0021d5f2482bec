package io.kvr.exporter.job;

import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.kafka.AvroCodec;
import io.kvr.runtime.kafka.TopicPartitions;
import io.kvr.schemas.ExportStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * Every export's latest status, read from the compacted status topic from its beginning (no consumer group: each
 * exporter instance holds the whole view). Statuses this instance wrote are also put here at once, so a client
 * sees its job right after {@code 202}.
 */
public final class StatusBook implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusBook.class);
    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final Map<String, ExportStatus> statuses = new ConcurrentHashMap<>();
    /** Ids removed here, so a late echo of an older status does not bring them back. */
    private final Set<String> removed = ConcurrentHashMap.newKeySet();
    private final AvroCodec<ExportStatus> codec = new AvroCodec<>(ExportStatus.class);
    private final Thread reader;
    private volatile boolean caughtUp;
    private volatile boolean running = true;

    public StatusBook(KafkaSettings kafka, String topic, String clientId) {
        Map<String, Object> config = kafka.clientConfig(Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.reader = Thread.ofPlatform().name("export-status-reader").daemon().unstarted(this::read);
    }

    public StatusBook start() {
        reader.start();
        return this;
    }

    private void read() {
        try {
            List<TopicPartition> partitions = TopicPartitions.await(consumer, topic, Duration.ofSeconds(30));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    apply(r);
                }
                if (!caughtUp) {
                    boolean all = true;
                    for (var e : ends.entrySet()) {
                        all &= consumer.position(e.getKey()) >= e.getValue();
                    }
                    caughtUp = all;
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("export status reader stopped: {}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null) {
            return;
        }
        if (r.value() == null) {
            statuses.remove(r.key());
            return;
        }
        try {
            ExportStatus s = codec.decode(r.value());
            if (!removed.contains(s.getId())) {
                statuses.merge(s.getId(), s, (old, now) -> now.getUpdatedAtMs() >= old.getUpdatedAtMs() ? now : old);
            }
        } catch (RuntimeException e) {
            log.warn("skipping unreadable export status {} at offset {}: {}", r.key(), r.offset(), e.toString());
        }
    }

    /** True once the topic has been read up to where it ended at start-up. */
    public boolean caughtUp() {
        return caughtUp;
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!caughtUp && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return caughtUp;
    }

    public void put(ExportStatus status) {
        statuses.merge(status.getId(), status, (old, now) -> now.getUpdatedAtMs() >= old.getUpdatedAtMs() ? now : old);
    }

    public void forget(String id) {
        removed.add(id);
        statuses.remove(id);
    }

    public boolean forgotten(String id) {
        return removed.contains(id);
    }

    public Optional<ExportStatus> get(String id) {
        return Optional.ofNullable(statuses.get(id));
    }

    /** Jobs waiting to run (state {@code queued}), of every exporter instance. */
    public int queued() {
        int n = 0;
        for (ExportStatus s : statuses.values()) {
            if (s.getState().equals("queued")) {
                n++;
            }
        }
        return n;
    }

    /** All jobs, newest request first. */
    public List<ExportStatus> all() {
        List<ExportStatus> list = new ArrayList<>(new HashMap<>(statuses).values());
        list.sort(Comparator.comparingLong(ExportStatus::getRequestedAtMs).reversed());
        return list;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
