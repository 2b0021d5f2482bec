package io.kvr.bridge.kafka;

import io.kvr.runtime.kafka.FailureCause;
import io.kvr.runtime.kafka.KafkaClients;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The largest media record the bridge writes: the topic's effective {@code max.message.bytes} (read with
 * {@code describeConfigs}, so a topic created by someone else with the broker's 1 MiB default is respected), the
 * producer's {@code max.request.size} and {@code buffer.memory}, whichever is smallest, less headroom for the
 * record batch framing and for compression that grows incompressible video.
 */
final class MediaRecordLimit {
    private static final Logger log = LoggerFactory.getLogger(MediaRecordLimit.class);
    /** Kafka's default {@code message.max.bytes}; assumed when the topic's configuration cannot be read. */
    static final int KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
    /** Producer defaults of {@code max.request.size} and {@code buffer.memory}. */
    private static final int DEFAULT_MAX_REQUEST_SIZE = 1_048_576;

    private static final long DEFAULT_BUFFER_MEMORY = 32L * 1024 * 1024;

    private final KafkaClients clients;
    private final String topic;
    private final int producerLimit;
    private volatile int recordBytes;
    private volatile boolean stale = true;

    MediaRecordLimit(KafkaClients clients, String topic, int producerLimit) {
        this.clients = clients;
        this.topic = topic;
        this.producerLimit = producerLimit;
        this.recordBytes = recordBytes(KAFKA_DEFAULT_MAX_MESSAGE_BYTES, producerLimit);
    }

    int recordBytes() {
        return recordBytes;
    }

    /** After a refusal for size: the topic's limit is read again before the next session starts. */
    void markStale() {
        stale = true;
    }

    /** Reads the topic's limit when it is not known or was refused; one caller at a time. */
    synchronized void refreshIfStale() {
        if (stale) {
            refresh();
        }
    }

    /**
     * Reads the topic's limit; assumes Kafka's default when it cannot (missing rights, no topic, no answer), which
     * suits any topic that keeps at least that default, and tries again only after a refusal for size.
     */
    synchronized void refresh() {
        int topicLimit = KAFKA_DEFAULT_MAX_MESSAGE_BYTES;
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = clients.admin(
                Map.of(
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000,
                        AdminClientConfig.CLIENT_ID_CONFIG, "kvr-ingest-bridge-admin"),
                Map.of())) {
            Config described = admin.describeConfigs(List.of(resource))
                    .all()
                    .get(20, TimeUnit.SECONDS)
                    .get(resource);
            ConfigEntry entry = described == null ? null : described.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (entry != null && entry.value() != null) {
                topicLimit = Integer.parseInt(entry.value());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = FailureCause.of(e);
            log.warn(
                    "cannot read max.message.bytes of {} ({}); assuming Kafka's default {}",
                    topic,
                    cause.getMessage(),
                    KAFKA_DEFAULT_MAX_MESSAGE_BYTES);
        }
        stale = false;
        recordBytes = recordBytes(topicLimit, producerLimit);
        log.info(
                "media topic {}: max.message.bytes {}, producer limit {}; records kept under {} bytes, larger access "
                        + "units written as chunks",
                topic,
                topicLimit,
                producerLimit,
                recordBytes);
    }

    /**
     * The record size to stay under: the smaller limit less 4 KiB (batch and record framing, key, headers) and
     * 1/64 of it (compression of incompressible bytes grows them by well under 1 %).
     */
    static int recordBytes(int topicLimit, int producerLimit) {
        int hard = Math.min(topicLimit, producerLimit);
        return Math.max(1024, hard - 4096 - hard / 64);
    }

    /** The producer's own limits on one record: {@code max.request.size} and {@code buffer.memory}. */
    static int producerLimit(Map<String, Object> producerConfig) {
        long request = number(producerConfig.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), DEFAULT_MAX_REQUEST_SIZE);
        long buffer = number(producerConfig.get(ProducerConfig.BUFFER_MEMORY_CONFIG), DEFAULT_BUFFER_MEMORY);
        return (int) Math.min(Integer.MAX_VALUE, Math.min(request, buffer));
    }

    private static long number(Object value, long fallback) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof String s && !s.isBlank()) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
        return fallback;
    }
}
