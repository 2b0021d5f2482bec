package io.kvr.runtime.policy;

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
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes the policies topic: an application's policy under its name, or a tombstone that removes it. */
public final class PolicyWriter implements AutoCloseable {
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(15);

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final PolicyRecords records = new PolicyRecords();

    public PolicyWriter(KafkaSettings kafka, String clientId) {
        Map<String, Object> config = kafka.clientConfig(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, ACK_TIMEOUT.toMillis()));
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        this.topic = kafka.topics().policies();
    }

    /** Stores the policy and waits for the broker. */
    public RecordMetadata put(AppPolicy policy) {
        return send(new ProducerRecord<>(topic, policy.app(), records.encode(policy)), policy.app());
    }

    /** Removes the application's policy (a tombstone) and waits for the broker. */
    public RecordMetadata delete(String app) {
        return send(new ProducerRecord<>(topic, app, null), app);
    }

    private RecordMetadata send(ProducerRecord<String, byte[]> record, String app) {
        try {
            return producer.send(record).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new WriteFailed("cannot store the policy of application " + app + " in " + topic + ": "
                    + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WriteFailed("interrupted while storing the policy of application " + app, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /** The policies topic did not take the write. */
    public static final class WriteFailed extends RuntimeException {
        WriteFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
