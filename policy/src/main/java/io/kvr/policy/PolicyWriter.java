package io.kvr.policy;

import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.kafka.AcknowledgedProducer;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.runtime.kafka.Topic;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes the policies topic: an application's policy under its name, or a tombstone that removes it. Each write
 * waits for the broker; one that fails throws {@link AcknowledgedProducer.WriteFailed}.
 */
public final class PolicyWriter implements AutoCloseable {
    private final AcknowledgedProducer producer;
    private final Topic<String, AppPolicy> topic;

    public PolicyWriter(KafkaSettings kafka, String clientId) {
        this.producer = new AcknowledgedProducer(kafka, clientId);
        this.topic = KvrTopics.policies(kafka.topics()).withValues(new PolicyRecords());
    }

    /** Stores the policy and waits for the broker. */
    public RecordMetadata put(AppPolicy policy) {
        return producer.send(topic, policy.app(), policy, "the policy of application " + policy.app());
    }

    /** Removes the application's policy (a tombstone) and waits for the broker. */
    public RecordMetadata delete(String app) {
        return producer.send(topic, app, null, "the policy of application " + app);
    }

    @Override
    public void close() {
        producer.close();
    }
}
