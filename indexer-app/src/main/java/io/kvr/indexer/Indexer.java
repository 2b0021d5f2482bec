package io.kvr.indexer;

import io.kvr.index.IndexRoutes;
import io.kvr.index.SegmentIndex;
import io.kvr.indexer.query.LocalSegmentIndex;
import io.kvr.indexer.query.RoutedSegmentIndex;
import io.kvr.indexer.retention.Retention;
import io.kvr.indexer.store.IndexTopology;
import io.kvr.policy.PolicyCatalog;
import io.kvr.policy.PolicyDefaults;
import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.runtime.kafka.TopicProvisioner;
import io.kvr.runtime.storage.ObjectStore;
import io.kvr.runtime.stream.StreamName;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the index topology and serves queries once it is RUNNING. */
public final class Indexer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Indexer.class);
    private final KafkaStreams streams;
    private final LocalSegmentIndex local;
    private final SegmentIndex index;
    private final KafkaStreamsMetrics streamsMetrics;
    /** Retention periods come from here; null when retention is off. */
    private final PolicyCatalog policies;

    private final Duration queryMaxRange;

    private Indexer(
            KafkaStreams streams,
            KafkaStreamsMetrics streamsMetrics,
            PolicyCatalog policies,
            String applicationServer,
            Duration queryMaxRange,
            String indexApiKey) {
        this.streams = streams;
        this.queryMaxRange = queryMaxRange;
        this.local = new LocalSegmentIndex(streams);
        // with an application.server, instances of the group route each stream's query to its owner
        this.index = applicationServer.isEmpty()
                ? local
                : RoutedSegmentIndex.overHttp(
                        streams, local, HostInfo.buildFromEndpoint(applicationServer), indexApiKey);
        this.streamsMetrics = streamsMetrics;
        this.policies = policies;
    }

    public static Indexer start(IndexerConfig config, MeterRegistry metrics) {
        KafkaClients clients = new KafkaClients(config.kafka());
        TopicProvisioner topics = TopicProvisioner.of(clients);
        topics.ensure(KvrTopics.all(config.kafka().topics()));
        if (!config.kafka().createTopics()) {
            // Kafka Streams would try to create its changelogs; check them first so the error names them
            topics.ensure(IndexTopology.internalTopics(
                    config.applicationId(), config.kafka().topics()));
        }
        Properties props = clients.streamsConfig(streamsDefaults(config), Map.of());
        PolicyCatalog policies = config.s3().isPresent()
                ? new PolicyCatalog(config.kafka(), "kvr-indexer-policies", new PolicyDefaults(2000, ""), metrics)
                        .start()
                : null;
        if (policies == null) {
            log.warn("no s3.endpoint configured: retention is off, segments are kept forever");
        }
        KafkaStreams streams = new KafkaStreams(
                IndexTopology.build(
                        config.kafka().topics().segments(),
                        policies == null ? null : retention(config, policies, metrics)),
                props);
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(metrics);
        streams.start();
        return new Indexer(
                streams,
                streamsMetrics,
                policies,
                config.applicationServer(),
                config.queryMaxRange(),
                config.indexApiKey());
    }

    /** Kafka Streams settings of the index; {@code kafka.*} settings override any of them. */
    private static Map<String, Object> streamsDefaults(IndexerConfig config) {
        Map<String, Object> defaults = new HashMap<>();
        defaults.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        defaults.put(
                StreamsConfig.STATE_DIR_CONFIG,
                config.stateDir().toAbsolutePath().toString());
        defaults.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        defaults.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        // segments become queryable as they arrive: no record cache in front of the stores
        defaults.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        // a fetch returns as soon as a segment arrives; the wait only bounds idle fetches, which cost the broker
        defaults.put(StreamsConfig.consumerPrefix("fetch.max.wait.ms"), 500);
        if (!config.applicationServer().isEmpty()) {
            defaults.put(StreamsConfig.APPLICATION_SERVER_CONFIG, config.applicationServer());
        }
        return defaults;
    }

    /** Retention periods from the policies topic; deletions in the configured bucket. */
    private static Retention retention(IndexerConfig config, PolicyCatalog policies, MeterRegistry metrics) {
        ObjectStore store = new ObjectStore(config.s3().orElseThrow());
        Retention.Periods periods = streamId -> {
            if (!policies.loaded()) {
                return OptionalLong.empty();
            }
            try {
                return OptionalLong.of(
                        policies.effective(StreamName.parse(streamId)).retentionMs());
            } catch (IllegalArgumentException e) {
                return OptionalLong.empty();
            }
        };
        Retention.ObjectRemover remover = (bucket, key) -> {
            if (!bucket.equals(store.bucket())) {
                throw new IllegalStateException(
                        "segment in bucket " + bucket + ", but this indexer deletes in " + store.bucket());
            }
            store.remove(key);
        };
        return new Retention(config.retentionInterval(), periods, remover, metrics);
    }

    /** The whole index: this instance's stores, or with several instances every stream at its owner. */
    public SegmentIndex index() {
        return index;
    }

    /** This instance's own stores only (what it answers when another instance forwards a query). */
    public SegmentIndex localIndex() {
        return local;
    }

    /**
     * The HTTP index routes of this instance: queries routed to owners, forwarded queries answered locally, a
     * range answer covering at most {@code index.query.max.range}.
     */
    public IndexRoutes routes() {
        return new IndexRoutes(index, local, queryMaxRange);
    }

    public boolean running() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** Waits until the stores are restored and queryable. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (running()) {
                return true;
            }
            Thread.sleep(50);
        }
        return running();
    }

    @Override
    public void close() {
        streamsMetrics.close();
        streams.close(Duration.ofSeconds(20));
        if (policies != null) {
            policies.close();
        }
    }
}
