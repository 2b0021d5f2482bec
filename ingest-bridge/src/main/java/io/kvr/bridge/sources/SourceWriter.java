package io.kvr.bridge.sources;

import io.kvr.runtime.kafka.AcknowledgedProducer;
import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.runtime.kafka.Topic;
import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.CameraSource;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes the sources topic: a camera's spec under its stream id, or a tombstone that removes it. Each write waits
 * for the broker; one that fails throws {@link AcknowledgedProducer.WriteFailed}.
 */
final class SourceWriter implements AutoCloseable {
    private final AcknowledgedProducer producer;
    private final Topic<StreamName, CameraSource> topic;
    private final String instanceId;

    SourceWriter(KafkaClients clients, String instanceId) {
        this.producer = new AcknowledgedProducer(clients, instanceId + "-sources-writer");
        this.topic = KvrTopics.sources(clients.topics());
        this.instanceId = instanceId;
    }

    /** Stores the camera and waits for the broker; {@code origin} is {@code config} or {@code api}. */
    RecordMetadata put(CameraSpec spec, String origin) {
        byte[] value = topic.values().encode(spec.toAvro(origin, System.currentTimeMillis(), instanceId));
        return producer.send(topic.name(), spec.name().id(), value, "camera " + spec.name());
    }

    /** Removes the camera (a tombstone) and waits for the broker. */
    RecordMetadata delete(StreamName name) {
        return producer.send(topic.name(), name.id(), null, "camera " + name);
    }

    @Override
    public void close() {
        producer.close();
    }
}
