package io.kvr.bridge.kafka;

import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.runtime.kafka.MediaRecords;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.StreamInfo;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes the media topic. One producer serves every camera of the bridge; records are keyed by stream id so a
 * camera's units stay in order on one partition, and stamped with the capture wall clock.
 */
public final class AccessUnitPublisher implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final MediaRecords records = new MediaRecords();

    public AccessUnitPublisher(KafkaSettings kafka, String clientId) {
        Map<String, Object> config = kafka.clientConfig(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 10,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, KvrTopics.MEDIA_MAX_MESSAGE_BYTES + 64 * 1024,
                ProducerConfig.CLIENT_ID_CONFIG, clientId));
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        this.topic = kafka.topics().media();
    }

    /** Writes a session's StreamInfo and waits for the broker, so no unit of the session can precede it. */
    public void announce(StreamInfo info) throws InterruptedException, PublishException {
        var headers = new RecordHeaders().add(MediaRecords.TYPE_HEADER, MediaRecords.STREAM_INFO);
        var record = new ProducerRecord<>(topic, null, info.getStartedAtMs(), info.getStreamId(), records.encode(info), headers);
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new PublishException("cannot write stream info to " + topic + ": " + cause.getMessage(), cause);
        }
    }

    /** Sends one unit asynchronously; {@code done} learns of the outcome. */
    public void publish(AccessUnit unit, Callback done) {
        var headers = new RecordHeaders().add(MediaRecords.TYPE_HEADER, MediaRecords.ACCESS_UNIT);
        producer.send(new ProducerRecord<>(topic, null, unit.getCaptureTimeMs(), unit.getStreamId(),
                records.encode(unit), headers), done);
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(10));
    }

    /** The media topic refused a record. */
    public static final class PublishException extends Exception {
        public PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
