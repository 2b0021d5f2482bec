package io.kvr.policy;

import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.runtime.kafka.TopicTable;
import io.kvr.runtime.stream.StreamName;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every application's recording policy, kept current: a {@link TopicTable} of the compacted policies topic, so a
 * change applies in every reader without a restart. The latest value per application wins; a tombstone (or an
 * unreadable value) leaves the defaults.
 */
public final class PolicyCatalog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PolicyCatalog.class);

    private final PolicyDefaults defaults;
    private final TopicTable<String, AppPolicy> table;

    public PolicyCatalog(KafkaSettings kafka, String clientId, PolicyDefaults defaults, MeterRegistry metrics) {
        this.defaults = defaults;
        Counter badRecords = Counter.builder("kvr_policies_bad_records")
                .description("policies topic values that could not be read (defaults apply)")
                .register(metrics);
        this.table = new TopicTable<>(
                new KafkaClients(kafka),
                KvrTopics.policies(kafka.topics()).withValues(new PolicyRecords()),
                clientId,
                "policies-" + clientId,
                new TopicTable.Rules<>() {
                    @Override
                    public AppPolicy merge(String app, AppPolicy stored, AppPolicy read) {
                        if (!read.app().equals(app)) {
                            throw new IllegalArgumentException("value names application " + read.app());
                        }
                        log.info("recording policy of application {}: {}", app, read);
                        return read;
                    }

                    @Override
                    public void removed(String app) {
                        log.info("recording policy of application {} removed: defaults apply", app);
                    }

                    @Override
                    public void unreadable(TopicTable.Where where, String app, boolean removed, RuntimeException why) {
                        badRecords.increment();
                        if (app == null) {
                            log.warn("policies topic {}: no key, ignored", where);
                        } else {
                            log.warn(
                                    "policies topic {}: policy of application {} is unreadable, defaults apply: {}",
                                    where,
                                    app,
                                    why.getMessage());
                        }
                    }
                });
    }

    public PolicyCatalog start() {
        table.start();
        return this;
    }

    public boolean alive() {
        return table.alive();
    }

    public PolicyDefaults defaults() {
        return defaults;
    }

    /** Runs {@code listener} on the reader's thread after each batch that changed a policy. */
    public void onChange(Runnable listener) {
        table.onChange(listener);
    }

    public Optional<AppPolicy> get(String app) {
        return table.get(app);
    }

    public List<AppPolicy> all() {
        List<AppPolicy> out = new ArrayList<>(table.values());
        out.sort(Comparator.comparing(AppPolicy::app));
        return out;
    }

    /** What applies to {@code stream} now. */
    public EffectivePolicy effective(StreamName stream) {
        return table.get(stream.app())
                .map(p -> p.effective(stream.stream(), defaults))
                .orElseGet(() -> EffectivePolicy.of(defaults));
    }

    /** True once everything written before the catalog started has been read. */
    public boolean loaded() {
        return table.loaded();
    }

    /** Waits until {@link #loaded()}; false on time-out or when the reader stopped. */
    public boolean awaitLoaded(Duration timeout) throws InterruptedException {
        return table.awaitLoaded(timeout);
    }

    /** Waits until the catalog has read {@code partition} past {@code offset}; false on time-out. */
    public boolean awaitRead(int partition, long offset, Duration timeout) throws InterruptedException {
        return table.awaitRead(partition, offset, timeout);
    }

    @Override
    public void close() {
        table.close();
    }
}
