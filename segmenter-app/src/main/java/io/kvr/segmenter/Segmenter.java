package io.kvr.segmenter;

import io.kvr.http.Routes;
import io.kvr.policy.PolicyCatalog;
import io.kvr.policy.PolicyDefaults;
import io.kvr.policy.PolicyRoutes;
import io.kvr.policy.PolicyWriter;
import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.runtime.kafka.TopicProvisioner;
import io.kvr.runtime.storage.ObjectStore;
import io.kvr.segmenter.kafka.MediaConsumer;
import io.kvr.segmenter.publish.SegmentAnnouncer;
import io.kvr.segmenter.publish.SegmentPublisher;
import io.kvr.segmenter.storage.SegmentStore;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The segmenter service: topics and bucket ensured, the recording policies followed, then the consumer loop on
 * its own thread. It also serves the policies API ({@link #routes()}): the segmenter is what policies steer, and
 * it knows the defaults (target duration, key prefix) they inherit.
 */
public final class Segmenter implements AutoCloseable {
    private final MediaConsumer consumer;
    private final PolicyCatalog policies;
    private final PolicyWriter policyWriter;

    private Segmenter(MediaConsumer consumer, PolicyCatalog policies, PolicyWriter policyWriter) {
        this.consumer = consumer;
        this.policies = policies;
        this.policyWriter = policyWriter;
    }

    public static Segmenter start(SegmenterConfig config, MeterRegistry metrics) {
        KafkaClients clients = new KafkaClients(config.kafka());
        TopicProvisioner.of(clients).ensure(KvrTopics.all(config.kafka().topics()));
        ObjectStore store = new ObjectStore(config.s3());
        store.ensureBucket();
        PolicyCatalog policies = new PolicyCatalog(
                        config.kafka(),
                        "kvr-segmenter-policies",
                        new PolicyDefaults(
                                config.targetDurationMs(), config.s3().prefix()),
                        metrics)
                .start();
        PolicyWriter writer = new PolicyWriter(config.kafka(), "kvr-segmenter-policies-writer");
        SegmentPublisher publisher =
                new SegmentPublisher(new SegmentStore(store), new SegmentAnnouncer(clients), metrics);
        MediaConsumer consumer =
                new MediaConsumer(clients, config.groupId(), store.bucket(), policies, publisher, metrics);
        return new Segmenter(consumer.start(), policies, writer);
    }

    /** {@code GET /v1/policies}, {@code GET/PUT/DELETE /v1/policies/{app}}. */
    public Routes routes() {
        return new PolicyRoutes(policies, policyWriter, "segmenter");
    }

    public boolean alive() {
        return consumer.alive() && policies.alive();
    }

    @Override
    public void close() {
        consumer.close();
        policyWriter.close();
        policies.close();
    }
}
