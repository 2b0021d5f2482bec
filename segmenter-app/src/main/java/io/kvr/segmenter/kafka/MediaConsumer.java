package io.kvr.segmenter.kafka;

import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.kafka.MediaRecords;
import io.kvr.runtime.storage.ObjectKeys;
import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.SegmentRecord;
import io.kvr.schemas.StreamInfo;
import io.kvr.segmenter.segment.ClosedSegment;
import io.kvr.segmenter.segment.StreamSegmenter;
import io.kvr.segmenter.storage.SegmentStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The segmenter's loop: reads the media topic, feeds each stream's {@link StreamSegmenter}, stores and then
 * announces closed segments, and commits per partition only up to the first unit of the oldest segment not yet
 * announced. A crash therefore replays and rebuilds that segment identically (same bytes, same key).
 */
public final class MediaConsumer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MediaConsumer.class);
    private static final Duration COMMIT_EVERY = Duration.ofSeconds(1);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final ObjectKeys keys;
    private final String bucket;
    private final long targetMs;
    private final SegmentStore store;
    private final SegmentAnnouncer announcer;
    private final SessionInfoLookup lookup;
    private final MediaRecords records = new MediaRecords();
    private final Map<String, StreamSegmenter> segmenters = new HashMap<>();
    private final Map<Integer, Long> processed = new HashMap<>();
    private final Map<String, Long> resumeFrom = new HashMap<>();
    private final Counter segmentsStored;
    private final Counter bytesStored;
    private final Counter badRecords;
    private final Timer visibleLatency;
    private final KafkaClientMetrics clientMetrics;
    private final Thread thread;
    private volatile boolean running = true;
    private long lastCommitNanos = System.nanoTime();

    public MediaConsumer(KafkaSettings kafka, String groupId, ObjectKeys keys, String bucket, long targetMs,
                         SegmentStore store, MeterRegistry metrics) {
        Map<String, Object> config = kafka.clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024 + 65536,
                ConsumerConfig.CLIENT_ID_CONFIG, "kvr-segmenter"));
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.topic = kafka.topics().media();
        this.keys = keys;
        this.bucket = bucket;
        this.targetMs = targetMs;
        this.store = store;
        this.announcer = new SegmentAnnouncer(kafka);
        this.lookup = new SessionInfoLookup(kafka);
        this.segmentsStored = metrics.counter("kvr_segmenter_segments");
        this.bytesStored = metrics.counter("kvr_segmenter_bytes");
        this.badRecords = metrics.counter("kvr_segmenter_bad_records");
        this.visibleLatency = Timer.builder("kvr_segmenter_store_latency")
                .description("closing unit read to segment announced").publishPercentiles(0.5, 0.99).register(metrics);
        this.clientMetrics = new KafkaClientMetrics(consumer);
        clientMetrics.bindTo(metrics);
        this.thread = Thread.ofPlatform().name("segmenter").unstarted(this::run);
    }

    public MediaConsumer start() {
        thread.start();
        return this;
    }

    public boolean alive() {
        return thread.isAlive();
    }

    private void run() {
        consumer.subscribe(Set.of(topic), new Rebalance());
        try {
            while (running) {
                var batch = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<String, byte[]> r : batch) {
                    handle(r);
                }
                flushIdle();
                if (System.nanoTime() - lastCommitNanos > COMMIT_EVERY.toNanos()) {
                    commit(consumer.assignment(), false);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("segmenter woken unexpectedly", e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("segmenter stopped by an unexpected error; uncommitted units will be replayed on restart", e);
        } finally {
            try {
                commit(consumer.assignment(), true);
            } catch (RuntimeException e) {
                log.warn("final commit failed: {}", e.getMessage());
            }
            consumer.close(Duration.ofSeconds(10));
        }
    }

    private void handle(ConsumerRecord<String, byte[]> r) throws InterruptedException {
        processed.put(r.partition(), r.offset() + 1);
        Object value;
        StreamName name;
        try {
            value = records.decode(r.headers(), r.value());
            name = StreamName.parse(r.key());
        } catch (RuntimeException e) {
            badRecords.increment();
            log.warn("skipping bad record at {}-{}@{}: {}", topic, r.partition(), r.offset(), e.getMessage());
            return;
        }
        StreamSegmenter segmenter = segmenters.computeIfAbsent(name.id(), id -> new StreamSegmenter(name,
                r.partition(), keys, bucket, targetMs, session -> lookup.find(r.partition(), session)));
        MDC.put("stream", name.id());
        try {
            Optional<ClosedSegment> closed;
            if (value instanceof StreamInfo info) {
                closed = segmenter.onStreamInfo(info, r.offset());
            } else {
                Long resume = resumeFrom.get(name.id());
                if (resume != null) {
                    if (r.offset() < resume) {
                        return;
                    }
                    resumeFrom.remove(name.id());
                }
                closed = segmenter.onAccessUnit((AccessUnit) value, r.offset());
            }
            if (closed.isPresent()) {
                storeAndAnnounce(closed.get());
            }
        } finally {
            MDC.remove("stream");
        }
    }

    private void flushIdle() throws InterruptedException {
        long now = System.nanoTime();
        long idleLimit = Duration.ofMillis(Math.max(3 * targetMs, 6000)).toNanos();
        for (StreamSegmenter s : segmenters.values()) {
            if (s.hasOpenSegment() && s.idleNanos(now) > idleLimit) {
                Optional<ClosedSegment> closed = s.flush();
                if (closed.isPresent()) {
                    storeAndAnnounce(closed.get());
                }
            }
        }
    }

    private void storeAndAnnounce(ClosedSegment segment) throws InterruptedException {
        long started = System.nanoTime();
        if (!store.store(segment, () -> running)) {
            return;
        }
        SegmentRecord record = SegmentRecord.newBuilder(segment.record()).setAnnouncedAtMs(System.currentTimeMillis()).build();
        announcer.announce(record);
        segmentsStored.increment();
        bytesStored.increment(segment.bytes().length);
        visibleLatency.record(Duration.ofNanos(System.nanoTime() - started));
        log.debug("stored {} ({} bytes, {} ms)", segment.objectKey(), segment.bytes().length, record.getDurationMs());
    }

    /** Commits, per partition, the earliest offset any of its streams still needs, with the others' resume points. */
    private void commit(Collection<TopicPartition> partitions, boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            Long upTo = processed.get(tp.partition());
            if (upTo == null) {
                continue;
            }
            long committed = upTo;
            Map<String, Long> resume = new HashMap<>();
            for (var e : segmenters.entrySet()) {
                if (e.getValue().partition() == tp.partition()) {
                    long r = Math.min(e.getValue().resumeOffset(), upTo);
                    resume.put(e.getKey(), r);
                    committed = Math.min(committed, r);
                }
            }
            offsets.put(tp, new OffsetAndMetadata(committed, ResumePoints.encode(committed, resume)));
        }
        lastCommitNanos = System.nanoTime();
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            consumer.commitSync(offsets);
        } else {
            consumer.commitAsync(offsets, (o, e) -> {
                if (e != null) {
                    log.warn("offset commit failed (will retry): {}", e.getMessage());
                }
            });
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            try {
                commit(partitions, true);
            } catch (RuntimeException e) {
                log.warn("commit on revoke failed: {}", e.getMessage());
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
            for (var e : committed.entrySet()) {
                if (e.getValue() != null) {
                    resumeFrom.putAll(ResumePoints.decode(e.getValue().offset(), e.getValue().metadata()));
                }
            }
            log.info("assigned {} partition(s) of {}", partitions.size(), topic);
        }

        private void forget(Collection<TopicPartition> partitions) {
            Set<Integer> gone = new HashSet<>();
            partitions.forEach(tp -> gone.add(tp.partition()));
            segmenters.values().removeIf(s -> gone.contains(s.partition()));
            gone.forEach(processed::remove);
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        announcer.close();
        lookup.close();
        clientMetrics.close();
    }
}
