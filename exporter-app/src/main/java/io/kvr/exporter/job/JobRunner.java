package io.kvr.exporter.job;

import io.kvr.exporter.capacity.ExportSlots;
import io.kvr.exporter.plan.ExportFormat;
import io.kvr.exporter.plan.ExportPlan;
import io.kvr.exporter.plan.ExportPlanner;
import io.kvr.exporter.plan.ExportRange;
import io.kvr.exporter.plan.ExportRefusedException;
import io.kvr.exporter.write.ExportWriter;
import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.kafka.Codec;
import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.runtime.storage.ObjectStore;
import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.ExportPart;
import io.kvr.schemas.ExportRequest;
import io.kvr.schemas.ExportStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
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
    private static final long PART_SIZE = 16L << 20;
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);
    private static final Duration STATUS_WAIT = Duration.ofSeconds(10);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final JobLog jobs;
    private final StatusBook book;
    private final ExportPlanner planner;
    private final ExportWriter writer;
    private final ObjectStore store;
    private final String exportsPrefix;
    private final ExportSlots slots;
    private final Codec<ExportRequest> codec;
    private final Thread thread;
    private final AtomicInteger running;
    private final Counter done;
    private final Counter failed;
    private final Counter bytes;
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
        this.jobs = jobs;
        this.book = book;
        this.planner = planner;
        this.writer = writer;
        this.store = store;
        this.exportsPrefix = exportsPrefix;
        this.slots = slots;
        this.running = metrics.gauge("exporter.jobs.running", new AtomicInteger());
        this.done = metrics.counter("exporter.jobs", "result", "done");
        this.failed = metrics.counter("exporter.jobs", "result", "failed");
        this.bytes = metrics.counter("exporter.bytes", "kind", "job");
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
        CompletableFuture<ExportStatus> job = CompletableFuture.supplyAsync(
                () -> runInSlot(request, status),
                r2 -> Thread.ofVirtual().name("export-" + request.getId()).start(r2));
        var assignment = consumer.assignment();
        consumer.pause(assignment);
        try {
            while (!job.isDone()) {
                // keeps this member in the group; paused partitions return nothing
                for (ConsumerRecord<String, byte[]> extra : consumer.poll(Duration.ofMillis(200))) {
                    consumer.seek(new TopicPartition(extra.topic(), extra.partition()), extra.offset());
                }
            }
        } finally {
            consumer.resume(consumer.assignment());
        }
        return job.join() != null;
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
                    return run(request, queued);
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

    private ExportStatus run(ExportRequest request, ExportStatus queued) {
        running.incrementAndGet();
        String key = objectKey(exportsPrefix, request.getId());
        long started = System.nanoTime();
        try {
            publish(copy(queued).setState("running").setProgress(0).build());
            StreamName stream = StreamName.parse(request.getStreamId());
            long start = request.getStartTimeMs();
            long end = request.getEndTimeMs();
            ExportFormat format = ExportFormat.parse(request.getFormat());
            // one file per codec configuration: a range that crosses a change is split there
            List<ExportPart> parts = new ArrayList<>();
            for (long from = start; from < end; ) {
                long to = end;
                ExportPlan plan;
                try {
                    plan = planWhenIndexAnswers(new ExportRange(stream, from, to, request.getPrecise(), format));
                } catch (ExportRefusedException e) {
                    if (e.codecChangeAtMs() <= from || e.codecChangeAtMs() >= end) {
                        throw e;
                    }
                    to = e.codecChangeAtMs();
                    plan = planWhenIndexAnswers(new ExportRange(stream, from, to, request.getPrecise(), format));
                }
                String partKey = parts.isEmpty() ? key : partKey(exportsPrefix, request.getId(), parts.size());
                int basePercent = (int) ((from - start) * 100 / (end - start));
                int spanPercent = (int) ((to - from) * 100 / (end - start));
                upload(plan, partKey, queued, basePercent, spanPercent);
                parts.add(new ExportPart(from, to, plan.size(), plan.durationMs(), partKey));
                from = to;
            }
            if (book.forgotten(request.getId()) || book.get(request.getId()).isEmpty()) {
                parts.forEach(p -> store.remove(p.getObjectKey())); // deleted while it ran
                return queued;
            }
            ExportPart first = parts.get(0);
            ExportStatus finished = copy(queued)
                    .setState("done")
                    .setProgress(100)
                    .setBytes(first.getBytes())
                    .setDurationMs(first.getDurationMs())
                    .setObjectKey(key)
                    .setParts(parts)
                    .setReason(null)
                    .build();
            publish(finished);
            done.increment();
            long total = parts.stream().mapToLong(ExportPart::getBytes).sum();
            bytes.increment(total);
            log.info(
                    "export {} of {} {}..{} done: {} bytes in {} file(s) in {} ms",
                    request.getId(),
                    request.getStreamId(),
                    start,
                    end,
                    total,
                    parts.size(),
                    (System.nanoTime() - started) / 1_000_000);
            return finished;
        } catch (ExportRefusedException e) {
            return fail(queued, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("export {} of {} failed: {}", request.getId(), request.getStreamId(), e.toString());
            return fail(queued, "export failed: " + e.getMessage());
        } finally {
            running.decrementAndGet();
        }
    }

    /** Plans; waits for an index that is restoring or unreachable (a restart) rather than failing the job. */
    private ExportPlan planWhenIndexAnswers(ExportRange range) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            try {
                return planner.plan(range);
            } catch (io.kvr.index.IndexUnavailableException e) {
                if (System.nanoTime() > deadline || stopping) {
                    throw e;
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private ExportStatus fail(ExportStatus queued, String reason) {
        failed.increment();
        ExportStatus s = copy(queued).setState("failed").setReason(reason).build();
        publish(s);
        return s;
    }

    /**
     * Streams one file of the export into object storage as it is written: no temporary file (see
     * {@link ObjectStore#put}). Progress is the file's share of the range, {@code spanPercent} from {@code basePercent}.
     */
    private void upload(ExportPlan plan, String key, ExportStatus queued, int basePercent, int spanPercent) {
        long[] lastReport = {System.nanoTime()};
        store.put(
                key,
                plan.size(),
                "video/mp4",
                PART_SIZE,
                out -> writer.write(plan, 0, plan.size(), out, n -> {
                    long now = System.nanoTime();
                    if (now - lastReport[0] >= PROGRESS_EVERY.toNanos()) {
                        lastReport[0] = now;
                        int percent = basePercent + (int) (n * spanPercent / Math.max(1, plan.size()));
                        publish(copy(queued)
                                .setState("running")
                                .setBytes(plan.size())
                                .setProgress(Math.min(99, percent))
                                .build());
                    }
                }));
    }

    private void publish(ExportStatus status) {
        ExportStatus stamped = ExportStatus.newBuilder(status)
                .setUpdatedAtMs(System.currentTimeMillis())
                .build();
        if (book.forgotten(status.getId())) {
            return;
        }
        jobs.status(stamped);
        book.put(stamped);
    }

    private static ExportStatus.Builder copy(ExportStatus s) {
        return ExportStatus.newBuilder(s);
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
