package io.kvr.segmenter.kafka;

import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.kafka.AccessUnitAssembler;
import io.kvr.runtime.kafka.MediaRecords;
import io.kvr.runtime.policy.PolicyCatalog;
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
import java.util.concurrent.atomic.AtomicBoolean;
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
 * The segmenter's loop: reads the media topic, puts chunked access units back together
 * ({@link AccessUnitAssembler}), feeds each stream's {@link StreamSegmenter}, stores and then announces closed
 * segments, and commits per partition only up to the first unit of the oldest segment not yet announced. A crash
 * therefore replays and rebuilds that segment identically (same bytes, same key).
 *
 * <p>A unit's offset is that of its first record: for a chunked unit, its first chunk. Segment records and resume
 * points name those offsets, and no commit passes the first chunk of a unit still being gathered, so a replay
 * always starts at a unit's first chunk.
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
    /** Time spent storing and announcing segments. */
    private long storingNanos;
    /**
     * Gives up a unit whose chunks stop coming after a while of reading, not of waiting for storage: while an
     * upload is retried the rest of the unit simply has not been polled yet.
     */
    private final AccessUnitAssembler assembler = new AccessUnitAssembler(
            () -> System.nanoTime() - storingNanos, AccessUnitAssembler.DEFAULT_MAX_WAIT);
    private final Map<String, StreamSegmenter> segmenters = new HashMap<>();
    /**
     * Per stream, when it was last fed, on the reading clock (time not spent storing): a stream is quiet only when
     * no unit came while the loop was reading, not while an upload was being retried and its units waited in Kafka.
     */
    private final Map<String, Long> lastFed = new HashMap<>();
    /** Per stream, the first and last offset of the last unit fed when it came in chunks. */
    private final Map<String, long[]> lastChunkedUnit = new HashMap<>();
    private final Map<Integer, Long> processed = new HashMap<>();
    private final Map<String, Long> resumeFrom = new HashMap<>();
    private final Counter segmentsStored;
    private final Counter bytesStored;
    private final Counter badRecords;
    private final Counter chunkedUnits;
    private final Counter incompleteUnits;
    private final Counter notRecorded;
    /** Recording policies; null: always the configured target and prefix, always recording. */
    private final PolicyCatalog policies;
    private final AtomicBoolean policiesChanged = new AtomicBoolean();
    private final Timer visibleLatency;
    private final KafkaClientMetrics clientMetrics;
    private final Thread thread;
    private volatile boolean running = true;
    private long lastCommitNanos = System.nanoTime();
    private long countedAssembled;
    private long countedDropped;

    public MediaConsumer(KafkaSettings kafka, String groupId, ObjectKeys keys, String bucket, long targetMs,
                         SegmentStore store, MeterRegistry metrics) {
        this(kafka, groupId, keys, bucket, targetMs, store, metrics, null);
    }

    /** With {@code policies}: each stream is recorded as its application's recording policy says, live. */
    public MediaConsumer(KafkaSettings kafka, String groupId, ObjectKeys keys, String bucket, long targetMs,
                         SegmentStore store, MeterRegistry metrics, PolicyCatalog policies) {
        Map<String, Object> config = kafka.clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500,
                // with fetch.min.bytes 1 every produce of the bridge woke a fetch (about 100 a second with 16
                // cameras): wait for 128 KiB or 50 ms instead, which adds at most 50 ms to a segment's visibility
                ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 128 * 1024,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50,
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
        this.chunkedUnits = Counter.builder("kvr_segmenter_chunked_units")
                .description("access units read as several chunk records and put back together").register(metrics);
        this.incompleteUnits = Counter.builder("kvr_segmenter_incomplete_units")
                .description("chunked access units dropped because their chunks did not all follow").register(metrics);
        this.visibleLatency = Timer.builder("kvr_segmenter_store_latency")
                .description("closing unit read to segment announced").publishPercentiles(0.5, 0.99).register(metrics);
        this.notRecorded = Counter.builder("kvr_segmenter_units_not_recorded")
                .description("access units not recorded because a recording policy switched recording off")
                .register(metrics);
        this.policies = policies;
        if (policies != null) {
            policies.onChange(() -> policiesChanged.set(true));
        }
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
        try {
            awaitPolicies();
            consumer.subscribe(Set.of(topic), new Rebalance());
            while (running) {
                if (policiesChanged.getAndSet(false)) {
                    applyPolicies();
                }
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

    /**
     * Recording starts only once every policy is known: a replay cut with a different target duration than the
     * first time would cut the same units differently.
     */
    private void awaitPolicies() throws InterruptedException {
        if (policies == null) {
            return;
        }
        boolean warned = false;
        while (running && !policies.awaitLoaded(Duration.ofSeconds(5))) {
            if (!warned) {
                log.warn("waiting for the recording policies topic before recording");
                warned = true;
            }
        }
    }

    /**
     * A policy changed: first commit what is stored (synchronously), then apply it. Everything announced so far
     * thus lies before the committed offset, and a replay after a crash rebuilds only segments cut under the new
     * policy, which it cuts the same way.
     */
    private void applyPolicies() {
        try {
            commit(consumer.assignment(), true);
        } catch (RuntimeException e) {
            log.warn("commit before applying a policy change failed: {}", e.getMessage());
        }
        for (StreamSegmenter s : segmenters.values()) {
            s.refreshPolicy();
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
        if (value instanceof AccessUnit && skipBeforeResumePoint(name, r.offset())) {
            return;
        }
        AccessUnitAssembler.Whole whole = null;
        if (value instanceof AccessUnit unit) {
            try {
                whole = assembler.accept(r.partition(), r.offset(), unit).orElse(null);
            } catch (IllegalArgumentException e) {
                badRecords.increment();
                log.warn("skipping bad record at {}-{}@{}: {}", topic, r.partition(), r.offset(), e.getMessage());
                return;
            } finally {
                countAssembly();
            }
            if (whole == null) {
                return;
            }
            if (whole.chunked()) {
                lastChunkedUnit.put(name.id(), new long[] {whole.firstOffset(), whole.lastOffset()});
            }
        } else {
            assembler.streamInfo(r.partition(), name.id(), r.offset());
            countAssembly();
        }
        StreamSegmenter segmenter = segmenters.computeIfAbsent(name.id(), id -> policies == null
                ? new StreamSegmenter(name, r.partition(), keys, bucket, targetMs, session -> lookup.find(r.partition(), session))
                : new StreamSegmenter(name, r.partition(), bucket, () -> policies.effective(name),
                        session -> lookup.find(r.partition(), session)));
        lastFed.put(name.id(), readingNanos());
        MDC.put("stream", name.id());
        long notRecordedBefore = segmenter.notRecorded();
        try {
            Optional<ClosedSegment> closed;
            if (value instanceof StreamInfo info) {
                closed = segmenter.onStreamInfo(info, r.offset());
            } else {
                closed = segmenter.onAccessUnit(whole.unit(), whole.firstOffset());
            }
            if (closed.isPresent()) {
                storeAndAnnounce(closed.get());
            }
        } finally {
            MDC.remove("stream");
            if (segmenter.notRecorded() != notRecordedBefore) {
                notRecorded.increment(segmenter.notRecorded() - notRecordedBefore);
            }
        }
    }

    /** After a rebalance, a stream that was further along than the committed offset skips what it already stored. */
    private boolean skipBeforeResumePoint(StreamName name, long offset) {
        Long resume = resumeFrom.get(name.id());
        if (resume == null) {
            return false;
        }
        if (offset < resume) {
            return true;
        }
        resumeFrom.remove(name.id());
        return false;
    }

    /** Carries the assembler's counts over to the metrics. */
    private void countAssembly() {
        if (assembler.assembled() != countedAssembled) {
            chunkedUnits.increment(assembler.assembled() - countedAssembled);
            countedAssembled = assembler.assembled();
        }
        if (assembler.dropped() != countedDropped) {
            incompleteUnits.increment(assembler.dropped() - countedDropped);
            countedDropped = assembler.dropped();
        }
    }

    private void flushIdle() throws InterruptedException {
        assembler.expire();
        countAssembly();
        long now = readingNanos();
        for (var e : segmenters.entrySet()) {
            StreamSegmenter s = e.getValue();
            long idleLimit = Duration.ofMillis(Math.max(3 * s.policy().segmentDurationMs(), 6000)).toNanos();
            if (s.hasOpenSegment() && now - lastFed.getOrDefault(e.getKey(), now) > idleLimit) {
                Optional<ClosedSegment> closed = s.flush();
                if (closed.isPresent()) {
                    storeAndAnnounce(closed.get());
                }
            }
        }
    }

    /** Monotonic time minus the time spent storing and announcing segments. */
    private long readingNanos() {
        return System.nanoTime() - storingNanos;
    }

    private void storeAndAnnounce(ClosedSegment segment) throws InterruptedException {
        long started = System.nanoTime();
        try {
            storeAndAnnounce(segment, started);
        } finally {
            storingNanos += System.nanoTime() - started;
        }
    }

    private void storeAndAnnounce(ClosedSegment segment, long started) throws InterruptedException {
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
            // never past the first chunk of a unit still being gathered
            long committed = Math.min(upTo, assembler.earliestPendingOffset(tp.partition()).orElse(upTo));
            Map<String, Long> resume = new HashMap<>();
            for (var e : segmenters.entrySet()) {
                if (e.getValue().partition() == tp.partition()) {
                    long r = Math.min(unitBoundary(e.getKey(), e.getValue().resumeOffset()), upTo);
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

    /**
     * A stream's resume point, moved past the last chunked unit fed when it falls inside it: a segmenter with no
     * open segment resumes after the last offset it was fed, which for a chunked unit is its first chunk, while
     * the unit ends at its last.
     */
    private long unitBoundary(String stream, long resume) {
        long[] unit = lastChunkedUnit.get(stream);
        return unit != null && resume > unit[0] && resume <= unit[1] ? unit[1] + 1 : resume;
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
            segmenters.entrySet().removeIf(e -> {
                boolean removed = gone.contains(e.getValue().partition());
                if (removed) {
                    lastChunkedUnit.remove(e.getKey());
                    lastFed.remove(e.getKey());
                }
                return removed;
            });
            gone.forEach(processed::remove);
            gone.forEach(assembler::forget);
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
