package io.kvr.bridge.sources;

import io.kvr.runtime.config.Secrets;
import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.runtime.kafka.TopicTable;
import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.CameraSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every camera in the sources topic, kept current: a {@link TopicTable} of the whole topic. The latest value per
 * key wins; a tombstone removes the camera. Bridges read it whole so that any instance can list every camera and
 * answer for any of them.
 */
final class SourceCatalog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SourceCatalog.class);

    /** One stored camera and where it is stored. */
    record Entry(CameraSpec spec, CameraSource stored, int partition, long offset) {}

    private final TopicTable<StreamName, CameraSource> table;

    SourceCatalog(KafkaClients clients, String clientId, MeterRegistry metrics) {
        Counter badRecords = metrics.counter("kvr_bridge_sources_bad_records");
        this.table = new TopicTable<>(
                clients, KvrTopics.sources(clients.topics()), clientId, "camera-sources", new TopicTable.Rules<>() {
                    @Override
                    public CameraSource merge(StreamName name, CameraSource stored, CameraSource read) {
                        CameraSpec.fromAvro(name, read); // a value that is no camera spec is unreadable
                        return read;
                    }

                    @Override
                    public void unreadable(
                            TopicTable.Where where, StreamName name, boolean removed, RuntimeException why) {
                        badRecords.increment();
                        if (name == null) {
                            log.warn(
                                    "sources topic {}: key is not a stream id, ignored: {}",
                                    where,
                                    Secrets.redactUrl(why.getMessage()));
                        } else {
                            // the latest value is unreadable: recording the previous one would contradict whoever
                            // wrote it
                            log.warn(
                                    "sources topic {}: camera {} has an unreadable value, not recorded: {}",
                                    where,
                                    name,
                                    Secrets.redactUrl(why.getMessage()));
                        }
                    }
                });
    }

    /** Starts following the topic; {@code changed} runs on the reader's thread after each batch that changed something. */
    SourceCatalog start(Runnable changed) {
        table.onChange(changed);
        table.start();
        return this;
    }

    boolean alive() {
        return table.alive();
    }

    Optional<Entry> get(StreamName name) {
        return table.row(name).map(row -> entry(name, row));
    }

    Collection<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        table.rows().forEach((name, row) -> out.add(entry(name, row)));
        return out;
    }

    private static Entry entry(StreamName name, TopicTable.Row<CameraSource> row) {
        return new Entry(CameraSpec.fromAvro(name, row.value()), row.value(), row.partition(), row.offset());
    }

    /** How far this catalog has read {@code partition}: the next offset; -1 before it knows. */
    long position(int partition) {
        return table.position(partition);
    }

    /** Waits until everything written before the catalog started has been read; false on time-out. */
    boolean awaitLoaded(Duration timeout) throws InterruptedException {
        return table.awaitLoaded(timeout);
    }

    /** Waits until the catalog has read {@code partition} past {@code offset}; false on time-out. */
    boolean awaitRead(int partition, long offset, Duration timeout) throws InterruptedException {
        return table.awaitRead(partition, offset, timeout);
    }

    @Override
    public void close() {
        table.close();
    }
}
