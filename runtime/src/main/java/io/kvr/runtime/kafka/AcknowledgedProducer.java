package io.kvr.runtime.kafka;

import io.kvr.runtime.config.KafkaSettings;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/**
 * A producer for control records (cameras, policies, export jobs): each write waits for the broker's
 * acknowledgement ({@code acks=all}, idempotent), so an API can answer only once its change is stored.
 */
public final class AcknowledgedProducer implements AutoCloseable {
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(15);

    private final KafkaProducer<String, byte[]> producer;

    public AcknowledgedProducer(KafkaSettings kafka, String clientId) {
        this(new KafkaClients(kafka), clientId);
    }

    public AcknowledgedProducer(KafkaClients clients, String clientId) {
        this.producer = clients.producer(
                Map.of(
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.MAX_BLOCK_MS_CONFIG,
                        ACK_TIMEOUT.toMillis()),
                Map.of(ProducerConfig.CLIENT_ID_CONFIG, clientId));
    }

    /**
     * Writes {@code value} (null: a tombstone) under {@code key}, both encoded as {@code topic} says, and waits for
     * the broker.
     *
     * @param what what is being stored, for the error ("the policy of application x")
     * @throws WriteFailed when the broker did not take it within 15 s
     */
    public <V> RecordMetadata send(Topic<String, V> topic, String key, V value, String what) {
        return send(topic.name(), key, value == null ? null : topic.values().encode(value), what);
    }

    /**
     * Writes {@code value} (null: a tombstone) under {@code key} and waits for the broker.
     *
     * @param what what is being stored, for the error ("the policy of application x")
     * @throws WriteFailed when the broker did not take it within 15 s
     */
    public RecordMetadata send(String topic, String key, byte[] value, String what) {
        try {
            return producer.send(new ProducerRecord<>(topic, key, value))
                    .get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Throwable cause = FailureCause.of(e);
            throw new WriteFailed("cannot store " + what + " in " + topic + ": " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WriteFailed("interrupted while storing " + what, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /** The topic did not take the write. */
    public static final class WriteFailed extends RuntimeException {
        WriteFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
