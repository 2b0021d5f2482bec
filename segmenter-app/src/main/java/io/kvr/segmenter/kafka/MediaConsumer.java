package io.kvr.segmenter.kafka;

import io.kvr.mediatopic.AccessUnitAssembler;
import io.kvr.mediatopic.MediaRecords;
import io.kvr.policy.PolicyCatalog;
import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.StreamInfo;
import io.kvr.segmenter.publish.SegmentPublisher;
import io.kvr.segmenter.segment.ClosedSegment;
import io.kvr.segmenter.segment.StreamSegmenter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The segmenter's loop: reads the media topic, puts chunked access units back together
 * ({@link AccessUnitAssembler}), looks up the StreamInfo of a session a replay starts after, feeds each stream's
 * cutter ({@link StreamCutters}), has closed segments published ({@link SegmentPublisher}: stored, then
 * announced), and commits per partition only up to the first unit of the oldest segment not yet announced. A crash
 * therefore replays and rebuilds that segment identically (same bytes, same key).
 *
 * <p>A unit's offset is that of its first record: for a chunked unit, its first chunk. Segment records and resume
 * points name those offsets, and no commit passes the first chunk of a unit still being gathered, so a replay
 * always starts at a unit's first chunk.
 */
public final class MediaConsumer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MediaConsumer.class);
    private static final Duration COMMIT_EVERY = Duration.ofSeconds(1);
    /** How long one search for a session's StreamInfo may read; an unfinished one is repeated. */
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(15);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final SegmentPublisher publisher;
    private final SessionInfoLookup lookup;
    private final MediaRecords records = new MediaRecords();
    /**
     * Gives up a unit whose chunks stop coming after a while of reading, not of waiting for storage: while an
     * upload is retried the rest of the unit simply has not been polled yet.
     */
    private final AccessUnitAssembler assembler;

    private final StreamCutters cutters;
    private final Map<Integer, Long> processed = new HashMap<>();
    private final Counter badRecords;
    private final AssemblyMetrics assembly;
    private final Counter notRecorded;
    private final PolicyCatalog policies;
    private final AtomicBoolean policiesChanged = new AtomicBoolean();
    private final KafkaClientMetrics clientMetrics;
    private final Thread thread;
    private volatile boolean running = true;
    private long lastCommitNanos = System.nanoTime();

    /** Each stream is recorded as its application's recording policy in {@code policies} says, live. */
    public MediaConsumer(
            KafkaClients clients,
            String groupId,
            String bucket,
            PolicyCatalog policies,
            SegmentPublisher publisher,
            MeterRegistry metrics) {
        this.consumer = clients.consumer(
                Map.of(
                        ConsumerConfig.GROUP_ID_CONFIG,
                        groupId,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        500,
                        // with fetch.min.bytes 1 every produce of the bridge woke a fetch (about 100 a second with 16
                        // cameras): wait for 128 KiB or 50 ms instead, which adds at most 50 ms to a segment's
                        // visibility
                        ConsumerConfig.FETCH_MIN_BYTES_CONFIG,
                        128 * 1024,
                        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                        50,
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                        16 * 1024 * 1024 + 65536,
                        ConsumerConfig.CLIENT_ID_CONFIG,
                        "kvr-segmenter"),
                Map.of());
        this.topic = clients.topics().media();
        this.publisher = publisher;
        this.lookup = new SessionInfoLookup(clients, LOOKUP_TIMEOUT, metrics);
        this.assembler = new AccessUnitAssembler(this::readingNanos, AccessUnitAssembler.DEFAULT_MAX_WAIT);
        this.cutters = new StreamCutters(
                (name, partition) -> new StreamSegmenter(name, partition, bucket, () -> policies.effective(name)));
        this.badRecords = metrics.counter("kvr_segmenter_bad_records");
        this.assembly = new AssemblyMetrics(assembler, metrics);
        this.notRecorded = Counter.builder("kvr_segmenter_units_not_recorded")
                .description("access units not recorded because a recording policy switched recording off")
                .register(metrics);
        this.policies = policies;
        policies.onChange(() -> policiesChanged.set(true));
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
                    if (!running) {
                        break;
                    }
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
        for (StreamSegmenter s : cutters.all()) {
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
        if (value instanceof AccessUnit && cutters.alreadyStored(name.id(), r.offset())) {
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
                assembly.update();
            }
            if (whole == null) {
                return;
            }
        } else {
            assembler.streamInfo(r.partition(), name.id(), r.offset());
            assembly.update();
        }
        // looked up before the cutter sees the unit: a replay that starts after the session's StreamInfo still
        // records its audio track
        Optional<StreamInfo> sessionInfo = Optional.empty();
        if (whole != null && cutters.startsSession(name, whole.unit())) {
            Optional<SessionInfoLookup.Outcome> outcome =
                    lookup.await(r.partition(), whole.unit().getIngestSessionId(), () -> running);
            if (outcome.isEmpty()) {
                // stopping: no cutter has seen this unit, so commits stay before it and the restart reads it again
                processed.put(r.partition(), whole.firstOffset());
                return;
            }
            if (outcome.get() instanceof SessionInfoLookup.Found found) {
                sessionInfo = Optional.of(found.info());
            }
        }
        StreamSegmenter cutter = cutters.cutter(name, r.partition());
        cutters.fed(
                name.id(),
                readingNanos(),
                whole != null && whole.chunked() ? new long[] {whole.firstOffset(), whole.lastOffset()} : null);
        MDC.put("stream", name.id());
        long notRecordedBefore = cutter.notRecorded();
        try {
            Optional<ClosedSegment> closed;
            if (value instanceof StreamInfo info) {
                closed = cutter.onStreamInfo(info, r.offset());
            } else {
                closed = cutter.onAccessUnit(whole.unit(), whole.firstOffset(), sessionInfo);
            }
            if (closed.isPresent()) {
                publish(closed.get());
            }
        } finally {
            MDC.remove("stream");
            if (cutter.notRecorded() != notRecordedBefore) {
                notRecorded.increment(cutter.notRecorded() - notRecordedBefore);
            }
        }
    }

    private void flushIdle() throws InterruptedException {
        assembler.expire();
        assembly.update();
        for (StreamSegmenter s : cutters.idle(readingNanos())) {
            Optional<ClosedSegment> closed = s.flush();
            if (closed.isPresent()) {
                publish(closed.get());
            }
        }
    }

    /**
     * Monotonic time minus the time spent publishing segments: a stream is quiet only when no unit came while the
     * loop was reading, not while an upload was being retried and its units waited in Kafka.
     */
    private long readingNanos() {
        return System.nanoTime() - publisher.publishingNanos();
    }

    /** Publishes a closed segment; one that is not published holds its stream's commits at its first unit. */
    private void publish(ClosedSegment segment) throws InterruptedException {
        boolean published = false;
        try {
            published = publisher.publish(segment, () -> running);
        } finally {
            if (!published) {
                cutters.unpublished(segment.record().getStreamId(), segment);
            }
        }
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
            long committed = Math.min(
                    upTo, assembler.earliestPendingOffset(tp.partition()).orElse(upTo));
            Map<String, Long> resume = cutters.resumeOffsets(tp.partition(), upTo);
            for (long r : resume.values()) {
                committed = Math.min(committed, r);
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
                    cutters.resumeFrom(ResumePoints.decode(
                            e.getValue().offset(), e.getValue().metadata()));
                }
            }
            log.info("assigned {} partition(s) of {}", partitions.size(), topic);
        }

        private void forget(Collection<TopicPartition> partitions) {
            Set<Integer> gone = new HashSet<>();
            partitions.forEach(tp -> gone.add(tp.partition()));
            cutters.forget(gone);
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
        publisher.close();
        lookup.close();
        clientMetrics.close();
    }
}
