package io.kvr.exporter.job;

import io.kvr.exporter.capacity.ExportSlots;
import io.kvr.exporter.plan.ExportPlanner;
import io.kvr.exporter.write.ExportWriter;
import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.kafka.Codec;
import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.runtime.storage.ObjectStore;
import io.kvr.schemas.ExportPart;
import io.kvr.schemas.ExportRequest;
import io.kvr.schemas.ExportStatus;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs export jobs from the requests topic as one member of the exporters' consumer group, one job at a time.
 * A request's offset is committed only after the job's terminal status ({@code done} or {@code failed}) is
 * acknowledged, so a job whose exporter dies is run again by the partition's next owner (its file is written
 * again under the same key). While a job runs, the partitions are paused and polling continues, so a long job
 * keeps the group membership. A job runs in one of the instance's {@link ExportSlots}, shared with direct
 * downloads: while every slot is taken it waits, still {@code queued}.
 */
public final class JobRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    private static final Duration STATUS_WAIT = Duration.ofSeconds(10);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final StatusBook book;
    private final ExportJob job;
    private final ExportSlots slots;
    private final Codec<ExportRequest> codec;
    private final Thread thread;
    private volatile boolean stopping;

    public JobRunner(
            KafkaSettings kafka,
            String topic,
            String groupId,
            JobLog jobs,
            StatusBook book,
            ExportPlanner planner,
            ExportWriter writer,
            ObjectStore store,
            String exportsPrefix,
            ExportSlots slots,
            MeterRegistry metrics) {
        this.consumer = new KafkaClients(kafka)
                .consumer(
                        Map.of(
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest",
                                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                                1),
                        Map.of(
                                ConsumerConfig.GROUP_ID_CONFIG,
                                groupId,
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                false));
        this.topic = topic;
        this.codec = KvrTopics.exportRequests(topic, kafka.topics()).values();
        this.book = book;
        this.job = new ExportJob(jobs, book, planner, writer, store, exportsPrefix, metrics, () -> stopping);
        this.slots = slots;
        this.thread = Thread.ofPlatform().name("export-jobs").unstarted(this::loop);
    }

    public JobRunner start() {
        thread.start();
        return this;
    }

    public boolean alive() {
        return thread.isAlive();
    }

    /** Object key of an export's file (its first, when it has several). */
    public static String objectKey(String exportsPrefix, String id) {
        return exportsPrefix + id + ".mp4";
    }

    /** Object key of file {@code part} (from 1) of an export whose range crosses codec changes. */
    static String partKey(String exportsPrefix, String id, int part) {
        return exportsPrefix + id + "-" + part + ".mp4";
    }

    /** Every object a job's status names: its file, or its files when it has parts. */
    public static List<String> objectKeys(ExportStatus s) {
        List<String> keys = new ArrayList<>();
        if (s.getObjectKey() != null) {
            keys.add(s.getObjectKey());
        }
        for (ExportPart p : s.getParts()) {
            if (!keys.contains(p.getObjectKey())) {
                keys.add(p.getObjectKey());
            }
        }
        return keys;
    }

    private void loop() {
        try {
            consumer.subscribe(List.of(topic));
            while (!stopping) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (handle(r)) {
                        commit(r);
                    }
                    if (stopping) {
                        break;
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("export job runner stopped: {}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void commit(ConsumerRecord<String, byte[]> r) {
        try {
            consumer.commitSync(
                    Map.of(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1)));
        } catch (RuntimeException e) {
            if (e instanceof WakeupException w) {
                throw w;
            }
            // another instance owns the partition now and will run the job again; the file is rewritten in place
            log.warn(
                    "cannot commit export request at {}-{} offset {}: {}",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.toString());
        }
    }

    /** Handles one request; false when it is left for later (this runner stops), so its offset stays uncommitted. */
    private boolean handle(ConsumerRecord<String, byte[]> r) {
        ExportRequest request;
        try {
            request = codec.decode(r.value());
        } catch (RuntimeException e) {
            log.warn(
                    "skipping unreadable export request at {}-{} offset {}: {}",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.toString());
            return true;
        }
        ExportStatus status = awaitStatus(request.getId());
        if (status == null) {
            log.info("export {} was deleted before it ran", request.getId());
            return true;
        }
        if (status.getState().equals("done") || status.getState().equals("failed")) {
            return true; // finished before a crash kept its offset from being committed
        }
        CompletableFuture<ExportStatus> running = CompletableFuture.supplyAsync(
                () -> runInSlot(request, status),
                r2 -> Thread.ofVirtual().name("export-" + request.getId()).start(r2));
        var assignment = consumer.assignment();
        consumer.pause(assignment);
        try {
            while (!running.isDone()) {
                // keeps this member in the group; paused partitions return nothing
                for (ConsumerRecord<String, byte[]> extra : consumer.poll(Duration.ofMillis(200))) {
                    consumer.seek(new TopicPartition(extra.topic(), extra.partition()), extra.offset());
                }
            }
        } finally {
            consumer.resume(consumer.assignment());
        }
        return running.join() != null;
    }

    /** Waits for a free export slot, then runs the job; null when this runner stops before one is free. */
    private ExportStatus runInSlot(ExportRequest request, ExportStatus queued) {
        boolean told = false;
        while (!stopping) {
            Optional<ExportSlots.Slot> slot;
            try {
                slot = slots.take(Duration.ofSeconds(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            if (slot.isPresent()) {
                try (ExportSlots.Slot taken = slot.get()) {
                    return job.run(request, queued);
                }
            }
            if (!told) {
                log.info(
                        "export {} waits: all {} export slots are taken (exporter.concurrent.max)",
                        request.getId(),
                        slots.max());
                told = true;
            }
        }
        return null;
    }

    private ExportStatus awaitStatus(String id) {
        long deadline = System.nanoTime() + STATUS_WAIT.toNanos();
        while (System.nanoTime() < deadline && !book.forgotten(id)) {
            var s = book.get(id);
            if (s.isPresent()) {
                return s.get();
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    @Override
    public void close() {
        stopping = true;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
