package io.kvr.segmenter.kafka;

import io.kvr.mediatopic.IngestSessionId;
import io.kvr.mediatopic.MediaRecords;
import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.schemas.StreamInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the StreamInfo of a session that a replay starts after. Session ids are UUIDv7 holding the session's
 * start, and the StreamInfo record carries that start as its timestamp on the stream's partition, so
 * {@code offsetsForTimes} lands at or just before it.
 */
final class SessionInfoLookup implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SessionInfoLookup.class);
    private static final int MAX_RECORDS_SCANNED = 20_000;

    private final KafkaClients clients;
    private final MediaRecords records = new MediaRecords();
    private KafkaConsumer<byte[], byte[]> consumer;

    SessionInfoLookup(KafkaClients clients) {
        this.clients = clients;
    }

    Optional<StreamInfo> find(int partition, String sessionId) {
        long startMs = IngestSessionId.startMs(sessionId);
        if (startMs < 0) {
            return Optional.empty();
        }
        TopicPartition tp = new TopicPartition(clients.topics().media(), partition);
        KafkaConsumer<byte[], byte[]> c = consumer();
        c.assign(List.of(tp));
        Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(Map.of(tp, startMs), Duration.ofSeconds(10));
        OffsetAndTimestamp at = found.get(tp);
        if (at == null) {
            return Optional.empty();
        }
        c.seek(tp, at.offset());
        int scanned = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (scanned < MAX_RECORDS_SCANNED && System.nanoTime() < deadline) {
            var batch = c.poll(Duration.ofMillis(500));
            if (batch.isEmpty()) {
                break;
            }
            for (ConsumerRecord<byte[], byte[]> r : batch) {
                scanned++;
                var type = r.headers().lastHeader(MediaRecords.TYPE_HEADER);
                if (type != null && java.util.Arrays.equals(type.value(), MediaRecords.STREAM_INFO)) {
                    Object v = records.decode(r.headers(), r.value());
                    if (v instanceof StreamInfo info
                            && info.getIngestSessionId().equals(sessionId)) {
                        log.info("found stream info of session {} at offset {}", sessionId, r.offset());
                        return Optional.of(info);
                    }
                }
                if (r.timestamp() > startMs + 60_000) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        if (consumer == null) {
            consumer = clients.assigningConsumer(
                    Map.of(
                            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                            200,
                            ConsumerConfig.CLIENT_ID_CONFIG,
                            "kvr-segmenter-session-lookup"),
                    Map.of());
        }
        return consumer;
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
