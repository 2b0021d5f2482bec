package io.kvr.exporter.job;

import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.runtime.kafka.TopicTable;
import io.kvr.schemas.ExportStatus;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every export's latest status: a {@link TopicTable} of the compacted status topic (each exporter instance holds
 * the whole view). Statuses this instance wrote are also put here at once, so a client sees its job right after
 * {@code 202}.
 */
public final class StatusBook implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusBook.class);
    /** Ids removed here, so a late echo of an older status does not bring them back. */
    private final Set<String> removed = ConcurrentHashMap.newKeySet();

    private final TopicTable<String, ExportStatus> table;

    public StatusBook(KafkaSettings kafka, String topic, String clientId) {
        this.table = new TopicTable<>(
                new KafkaClients(kafka),
                KvrTopics.exportStatus(topic, kafka.topics()),
                clientId,
                "export-status-reader",
                new TopicTable.Rules<>() {
                    @Override
                    public ExportStatus merge(String id, ExportStatus stored, ExportStatus read) {
                        return removed.contains(id) ? stored : newer(stored, read);
                    }

                    @Override
                    public void unreadable(TopicTable.Where where, String id, boolean dropped, RuntimeException why) {
                        if (id != null) {
                            log.warn("skipping unreadable export status {} at {}: {}", id, where, why.toString());
                        }
                    }

                    @Override
                    public boolean unreadableRemoves() {
                        return false;
                    }
                });
    }

    private static ExportStatus newer(ExportStatus old, ExportStatus now) {
        return old == null || now.getUpdatedAtMs() >= old.getUpdatedAtMs() ? now : old;
    }

    public StatusBook start() {
        table.start();
        return this;
    }

    /** True once the topic has been read up to where it ended at start-up. */
    public boolean caughtUp() {
        return table.loaded();
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return table.awaitLoaded(timeout);
    }

    public void put(ExportStatus status) {
        table.compute(status.getId(), old -> newer(old, status));
    }

    public void forget(String id) {
        removed.add(id);
        table.remove(id);
    }

    public boolean forgotten(String id) {
        return removed.contains(id);
    }

    public Optional<ExportStatus> get(String id) {
        return table.get(id);
    }

    /** Jobs waiting to run (state {@code queued}), of every exporter instance. */
    public int queued() {
        int n = 0;
        for (ExportStatus s : table.values()) {
            if (s.getState().equals("queued")) {
                n++;
            }
        }
        return n;
    }

    /** All jobs, newest request first. */
    public List<ExportStatus> all() {
        List<ExportStatus> list = table.values();
        list.sort(Comparator.comparingLong(ExportStatus::getRequestedAtMs).reversed());
        return list;
    }

    @Override
    public void close() {
        table.close();
    }
}
