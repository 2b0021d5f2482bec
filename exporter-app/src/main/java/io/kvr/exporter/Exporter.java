package io.kvr.exporter;

import io.kvr.exporter.capacity.ExportSlots;
import io.kvr.exporter.http.DownloadRoutes;
import io.kvr.exporter.http.JobRoutes;
import io.kvr.exporter.job.ExportRetention;
import io.kvr.exporter.job.JobLog;
import io.kvr.exporter.job.JobRunner;
import io.kvr.exporter.job.StatusBook;
import io.kvr.exporter.plan.ExportPlanner;
import io.kvr.exporter.plan.InitSegments;
import io.kvr.exporter.write.ExportWriter;
import io.kvr.http.Router;
import io.kvr.http.Routes;
import io.kvr.index.SegmentIndex;
import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.runtime.kafka.TopicProvisioner;
import io.kvr.runtime.lifecycle.Lifecycle;
import io.kvr.runtime.storage.ObjectStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exporter over an index (local or remote) and an object store: direct downloads, and export jobs shared
 * with other instances through the request and status topics.
 */
public final class Exporter implements Routes, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Exporter.class);
    private final Lifecycle life = new Lifecycle("exporter");
    private final DownloadRoutes downloads;
    private final JobRoutes jobRoutes;
    private final JobRunner runner;

    private Exporter(ExporterConfig config, SegmentIndex index, MeterRegistry metrics) {
        TopicProvisioner.of(new KafkaClients(config.kafka())) // topics.create=false: only checked
                .ensure(List.of(
                        KvrTopics.exportRequests(
                                config.requestsTopic(), config.kafka().topics()),
                        KvrTopics.exportStatus(
                                config.statusTopic(), config.kafka().topics())));
        ObjectStore store = new ObjectStore(config.s3());
        store.ensureBucket();
        ExportPlanner planner = new ExportPlanner(index, new InitSegments(store));
        ExportWriter writer = new ExportWriter(store, config.readAhead(), config.bytesPerSecond());
        ExportSlots slots = new ExportSlots(config.concurrentMax(), metrics);
        this.downloads =
                new DownloadRoutes(planner, writer, config.maxRangeMs(), config.sizedDownloadMaxMs(), slots, metrics);
        JobLog jobs;
        StatusBook book;
        try {
            jobs = life.own(
                    "export-log",
                    new JobLog(config.kafka(), config.requestsTopic(), config.statusTopic(), "kvr-exporter-jobs"));
            book = life.own(
                    "export-status",
                    new StatusBook(config.kafka(), config.statusTopic(), "kvr-exporter-status").start());
            try {
                if (!book.awaitCaughtUp(Duration.ofSeconds(60))) {
                    log.warn(
                            "export status topic not read to its end after 60 s; job list may be incomplete for a while");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } catch (RuntimeException e) {
            life.close();
            throw e;
        }
        this.jobRoutes = new JobRoutes(planner, jobs, book, store, config.maxRangeMs(), config.queueMax(), metrics);
        life.own(
                "export-retention",
                new ExportRetention(book, jobs, store, config.retention()).start(Duration.ofMinutes(1)));
        this.runner = life.own(
                "export-jobs",
                new JobRunner(
                                config.kafka(),
                                config.requestsTopic(),
                                config.groupId(),
                                jobs,
                                book,
                                planner,
                                writer,
                                store,
                                config.exportsPrefix(),
                                slots,
                                metrics)
                        .start());
    }

    /** Creates the job topics when missing, reads the status topic, and starts taking jobs. */
    public static Exporter start(ExporterConfig config, SegmentIndex index, MeterRegistry metrics) {
        return new Exporter(config, index, metrics);
    }

    public boolean alive() {
        return runner.alive();
    }

    @Override
    public void register(Router router) {
        router.include(downloads).include(jobRoutes);
    }

    @Override
    public void close() {
        life.close();
    }
}
