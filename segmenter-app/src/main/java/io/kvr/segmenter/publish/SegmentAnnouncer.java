package io.kvr.segmenter.publish;

import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.schemas.SegmentRecord;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes SegmentRecords to the segments topic, keyed by stream id, and waits for the broker's ack. */
public final class SegmentAnnouncer implements AutoCloseable {
    private final KafkaProducer<String, SegmentRecord> producer;
    private final String topic;

    public SegmentAnnouncer(KafkaClients clients) {
        this.producer = clients.producer(
                KvrTopics.segments(clients.topics()),
                Map.of(
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.LINGER_MS_CONFIG,
                        0,
                        ProducerConfig.CLIENT_ID_CONFIG,
                        "kvr-segmenter"),
                Map.of());
        this.topic = clients.topics().segments();
    }

    void announce(SegmentRecord record) throws InterruptedException {
        try {
            producer.send(new ProducerRecord<>(topic, null, record.getStartTimeMs(), record.getStreamId(), record))
                    .get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException(
                    "cannot announce segment " + record.getObjectKey() + " on " + topic + ": " + cause.getMessage(),
                    cause);
        }
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
