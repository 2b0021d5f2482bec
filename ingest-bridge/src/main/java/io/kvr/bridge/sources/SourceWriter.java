package io.kvr.bridge.sources;

import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.kafka.AvroCodec;
import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.CameraSource;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes the sources topic: a camera's spec under its stream id, or a tombstone that removes it. */
final class SourceWriter implements AutoCloseable {
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(15);

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final String instanceId;
    private final AvroCodec<CameraSource> codec = new AvroCodec<>(CameraSource.class);

    SourceWriter(KafkaSettings kafka, String instanceId) {
        Map<String, Object> config = kafka.clientConfig(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, ACK_TIMEOUT.toMillis()));
        config.put(ProducerConfig.CLIENT_ID_CONFIG, instanceId + "-sources-writer");
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        this.topic = kafka.topics().sources();
        this.instanceId = instanceId;
    }

    /** Stores the camera and waits for the broker; {@code origin} is {@code config} or {@code api}. */
    RecordMetadata put(CameraSpec spec, String origin) {
        byte[] value = codec.encode(spec.toAvro(origin, System.currentTimeMillis(), instanceId));
        return send(new ProducerRecord<>(topic, spec.name().id(), value), spec.name());
    }

    /** Removes the camera (a tombstone) and waits for the broker. */
    RecordMetadata delete(StreamName name) {
        return send(new ProducerRecord<>(topic, name.id(), null), name);
    }

    private RecordMetadata send(ProducerRecord<String, byte[]> record, StreamName name) {
        try {
            return producer.send(record).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new WriteFailed("cannot store camera " + name + " in " + topic + ": " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WriteFailed("interrupted while storing camera " + name, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /** The sources topic did not take the write. */
    static final class WriteFailed extends RuntimeException {
        WriteFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
