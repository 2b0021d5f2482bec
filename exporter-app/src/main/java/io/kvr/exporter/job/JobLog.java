package io.kvr.exporter.job;

import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.kafka.AcknowledgedProducer;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.runtime.kafka.Topic;
import io.kvr.schemas.ExportRequest;
import io.kvr.schemas.ExportStatus;

/**
 * Writes export requests and statuses (both keyed by export id) and waits for the broker's acknowledgement; a
 * write that fails throws {@link AcknowledgedProducer.WriteFailed}.
 */
public final class JobLog implements AutoCloseable {
    private final AcknowledgedProducer producer;
    private final Topic<String, ExportRequest> requests;
    private final Topic<String, ExportStatus> statuses;

    public JobLog(KafkaSettings kafka, String requests, String statuses, String clientId) {
        this.producer = new AcknowledgedProducer(kafka, clientId);
        this.requests = KvrTopics.exportRequests(requests, kafka.topics());
        this.statuses = KvrTopics.exportStatus(statuses, kafka.topics());
    }

    /** The queued status first (so a status exists before any exporter can pick the job), then the request. */
    public void submit(ExportRequest request, ExportStatus queued) {
        status(queued);
        producer.send(requests, request.getId(), request, "export request " + request.getId());
    }

    public void status(ExportStatus status) {
        producer.send(statuses, status.getId(), status, "the status of export " + status.getId());
    }

    /** A tombstone: the job is forgotten. */
    public void remove(String id) {
        producer.send(statuses, id, (ExportStatus) null, "the removal of export " + id);
    }

    @Override
    public void close() {
        producer.close();
    }
}
