package io.kvr.exporter.job;

import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.kafka.AvroCodec;
import io.kvr.schemas.ExportRequest;
import io.kvr.schemas.ExportStatus;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes export requests and statuses (both keyed by export id) and waits for the broker's acknowledgement. */
public final class JobLog implements AutoCloseable {
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(15);
    private final KafkaProducer<String, byte[]> producer;
    private final String requests;
    private final String statuses;
    private final AvroCodec<ExportRequest> requestCodec = new AvroCodec<>(ExportRequest.class);
    private final AvroCodec<ExportStatus> statusCodec = new AvroCodec<>(ExportStatus.class);

    public JobLog(KafkaSettings kafka, String requests, String statuses, String clientId) {
        Map<String, Object> config = kafka.clientConfig(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, ACK_TIMEOUT.toMillis()));
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        this.requests = requests;
        this.statuses = statuses;
    }

    /** The queued status first (so a status exists before any exporter can pick the job), then the request. */
    public void submit(ExportRequest request, ExportStatus queued) {
        status(queued);
        send(new ProducerRecord<>(requests, request.getId(), requestCodec.encode(request)));
    }

    public void status(ExportStatus status) {
        send(new ProducerRecord<>(statuses, status.getId(), statusCodec.encode(status)));
    }

    /** A tombstone: the job is forgotten. */
    public void remove(String id) {
        send(new ProducerRecord<>(statuses, id, null));
    }

    private void send(ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("cannot write to " + record.topic() + ": " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to " + record.topic(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
