package io.kvr.bridge.kafka;

import io.kvr.mediatopic.AccessUnitChunks;
import io.kvr.mediatopic.MediaRecords;
import io.kvr.runtime.kafka.FailureCause;
import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.StreamInfo;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the media topic. One producer serves every camera of the bridge; records are keyed by stream id so a
 * camera's units stay in order on one partition, and stamped with the capture wall clock.
 *
 * <p>An access unit larger than one record may be (the topic's {@code max.message.bytes} or the producer's
 * {@code max.request.size}, less headroom, see {@link MediaRecordLimit}) is written as several records, the
 * chunks of schemas/README.md, back to back from the caller's thread so they follow each other on the partition.
 */
public final class AccessUnitPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AccessUnitPublisher.class);
    /** Any unit with a payload up to the limit less this is one record without measuring its fields. */
    private static final int FIELDS_BOUND = 2048;
    /** What a chunk's fields may add to a whole unit's: index and count as zig-zag varints, a longer length varint. */
    private static final int CHUNK_FIELDS_BOUND = 16;

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Producer {@code batch.size} for the media topic (a {@code kafka.batch.size} setting overrides it). */
    static final int BATCH_BYTES = 512 * 1024;

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final MediaRecords records = new MediaRecords();
    private final MediaRecordLimit limit;
    private final AtomicLong chunkedUnits = new AtomicLong();
    private final AtomicLong chunkRecords = new AtomicLong();

    public AccessUnitPublisher(KafkaClients clients, String clientId) {
        // media records are large (a 4 Mb/s camera's keyframe alone passes the 16 KiB default batch): batches of
        // up to 512 KiB per partition, filled for up to 20 ms, take several cameras' units per request. Each
        // request costs the broker and the segmenter's fetch about as much as its bytes do: 20 ms rather than 10
        // halves the requests of a busy bridge for 10 ms more capture-to-ack latency (BENCHMARKS.md, ingest)
        Map<String, Object> defaults = Map.of(
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                20,
                ProducerConfig.BATCH_SIZE_CONFIG,
                BATCH_BYTES,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                KvrTopics.MEDIA_MAX_MESSAGE_BYTES + 64 * 1024,
                ProducerConfig.CLIENT_ID_CONFIG,
                clientId);
        this.producer = clients.producer(KvrTopics.media(clients.topics()), defaults, Map.of());
        this.topic = clients.topics().media();
        // the limits of the producer just built: the same layers give the same configuration
        int producerLimit = MediaRecordLimit.producerLimit(clients.config(defaults, Map.of()));
        this.limit = new MediaRecordLimit(clients, topic, producerLimit);
        limit.refreshIfStale();
    }

    /** Writes a session's StreamInfo and waits for the broker, so no unit of the session can precede it. */
    public void announce(StreamInfo info) throws InterruptedException, PublishException {
        limit.refreshIfStale();
        var headers = new RecordHeaders().add(MediaRecords.TYPE_HEADER, MediaRecords.STREAM_INFO);
        byte[] value = records.encode(info);
        if (value.length > limit.recordBytes()) {
            throw new PublishException(
                    "stream info of " + info.getStreamId() + " is " + value.length + " bytes, more than " + topic
                            + " accepts in one record (" + limit.recordBytes() + ")",
                    null);
        }
        var record = new ProducerRecord<>(topic, null, info.getStartedAtMs(), info.getStreamId(), value, headers);
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = FailureCause.of(e);
            throw new PublishException("cannot write stream info to " + topic + ": " + cause.getMessage(), cause);
        }
    }

    /**
     * Sends one unit asynchronously, as one record or as chunks; {@code done} learns of the outcome once (for
     * chunks: the first failure, or success with the first chunk's metadata when all are acknowledged).
     */
    public void publish(AccessUnit unit, Callback done) {
        int recordBytes = limit.recordBytes();
        int payload = unit.getPayload().remaining();
        if (payload <= recordBytes - FIELDS_BOUND) {
            send(unit, records.encode(unit), watching(done));
            return;
        }
        // measure the fields once, without encoding the large payload
        int fields = records.encode(AccessUnitChunks.withPayload(unit, EMPTY, 0, 1)).length + CHUNK_FIELDS_BOUND;
        if (payload + fields <= recordBytes) {
            send(unit, records.encode(unit), watching(done));
            return;
        }
        List<AccessUnit> chunks = AccessUnitChunks.split(unit, recordBytes - fields);
        chunkedUnits.incrementAndGet();
        chunkRecords.addAndGet(chunks.size());
        log.debug(
                "unit {} of {} ({} bytes) written as {} chunks",
                unit.getSequence(),
                unit.getStreamId(),
                payload,
                chunks.size());
        Callback all = new AllChunks(chunks.size(), watching(done));
        for (AccessUnit chunk : chunks) {
            send(chunk, records.encode(chunk), all);
        }
    }

    private void send(AccessUnit unit, byte[] value, Callback done) {
        var headers = new RecordHeaders().add(MediaRecords.TYPE_HEADER, MediaRecords.ACCESS_UNIT);
        producer.send(
                new ProducerRecord<>(topic, null, unit.getCaptureTimeMs(), unit.getStreamId(), value, headers), done);
    }

    /** Learns of a refusal for size: the topic's limit changed, so it is read again before the next session. */
    private Callback watching(Callback done) {
        return (meta, error) -> {
            if (error instanceof RecordTooLargeException) {
                limit.markStale();
            }
            done.onCompletion(meta, error);
        };
    }

    /** Largest encoded record this publisher writes; larger units are chunked. */
    public int maxRecordBytes() {
        return limit.recordBytes();
    }

    /** Units written as chunks so far. */
    public long chunkedUnits() {
        return chunkedUnits.get();
    }

    /** Records written as chunks so far. */
    public long chunkRecords() {
        return chunkRecords.get();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    /** Completes the caller's callback once for all chunks of a unit. */
    private static final class AllChunks implements Callback {
        private final AtomicInteger remaining;
        private final AtomicReference<RecordMetadata> first = new AtomicReference<>();
        private final AtomicBoolean finished = new AtomicBoolean();
        private final Callback done;

        AllChunks(int count, Callback done) {
            this.remaining = new AtomicInteger(count);
            this.done = done;
        }

        @Override
        public void onCompletion(RecordMetadata meta, Exception error) {
            if (error != null) {
                if (finished.compareAndSet(false, true)) {
                    done.onCompletion(meta, error);
                }
                return;
            }
            first.compareAndSet(null, meta);
            if (remaining.decrementAndGet() == 0 && finished.compareAndSet(false, true)) {
                done.onCompletion(first.get(), null);
            }
        }
    }

    /** The media topic refused a record. */
    public static final class PublishException extends Exception {
        public PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
