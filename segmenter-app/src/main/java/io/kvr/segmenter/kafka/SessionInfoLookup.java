package io.kvr.segmenter.kafka;

import io.kvr.mediatopic.IngestSessionId;
import io.kvr.mediatopic.MediaRecords;
import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.schemas.StreamInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the StreamInfo of a session that a replay starts after. Session ids are UUIDv7 holding the session's
 * start, and the StreamInfo record carries that start as its timestamp on the stream's partition, so
 * {@code offsetsForTimes} lands at or just before it.
 * <p>
 * An answer must not depend on how busy the broker is: a session cut without its StreamInfo has no audio track,
 * and a replay that does find it rebuilds the same segment object with one, while the index keeps the first
 * announcement and its init. So the search reads on, through empty polls, up to the partition's end as it was when
 * it began, and says when it ran out of time instead of answering "none".
 */
final class SessionInfoLookup implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SessionInfoLookup.class);
    /** Past this many records after the session's start the StreamInfo is not there (on every search alike). */
    private static final int MAX_RECORDS_SCANNED = 20_000;
    /** A StreamInfo is written before its session's first unit: records this much later end the search. */
    private static final long MAX_LATENESS_MS = 60_000;

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    /** Longest wait between two searches that could not tell. */
    private static final long RETRY_MAX_MS = 10_000;

    /** What a search found out. */
    sealed interface Outcome {}

    /** The session's StreamInfo. */
    record Found(StreamInfo info) implements Outcome {}

    /** The partition holds no StreamInfo of the session where it would be: any later search finds none either. */
    record Absent() implements Outcome {}

    /** The search ran out of time before it could tell: ask again, never go on as if there were none. */
    record Unfinished(String reason) implements Outcome {}

    private final KafkaClients clients;
    private final Duration timeout;
    private final Counter unfinished;
    private final MediaRecords records = new MediaRecords();
    private KafkaConsumer<byte[], byte[]> consumer;

    /** @param timeout how long one search may read before it reports {@link Unfinished} */
    SessionInfoLookup(KafkaClients clients, Duration timeout, MeterRegistry metrics) {
        this.clients = clients;
        this.timeout = timeout;
        this.unfinished = Counter.builder("kvr_segmenter_session_info_searches_unfinished")
                .description("searches for a session's stream info that ran out of time and were asked again")
                .register(metrics);
    }

    /**
     * Searches until the search can tell whether there is a StreamInfo, waiting a little longer between unfinished
     * searches (200 ms doubling to 10 s); empty when {@code running} turns false meanwhile. Going on without it after
     * an unfinished search would cut the session without its audio track, differently from a replay that finds it.
     */
    Optional<Outcome> await(int partition, String sessionId, BooleanSupplier running) throws InterruptedException {
        long backoffMs = 200;
        while (running.getAsBoolean()) {
            Outcome outcome = find(partition, sessionId);
            if (!(outcome instanceof Unfinished u)) {
                return Optional.of(outcome);
            }
            unfinished.increment();
            log.warn(
                    "stream info of session {} not found yet, searching again in {} ms: {}",
                    sessionId,
                    backoffMs,
                    u.reason());
            Thread.sleep(backoffMs);
            backoffMs = Math.min(backoffMs * 2, RETRY_MAX_MS);
        }
        return Optional.empty();
    }

    Outcome find(int partition, String sessionId) {
        long startMs = IngestSessionId.startMs(sessionId);
        if (startMs < 0) {
            return new Absent();
        }
        TopicPartition tp = new TopicPartition(clients.topics().media(), partition);
        KafkaConsumer<byte[], byte[]> c = consumer();
        c.assign(List.of(tp));
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            // the StreamInfo precedes the unit being handled, so it lies before the end as of now
            long end = c.endOffsets(List.of(tp), CALL_TIMEOUT).get(tp);
            Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(Map.of(tp, startMs), CALL_TIMEOUT);
            OffsetAndTimestamp at = found.get(tp);
            if (at == null) {
                return new Absent();
            }
            c.seek(tp, at.offset());
            int scanned = 0;
            while (c.position(tp, CALL_TIMEOUT) < end) {
                if (System.nanoTime() >= deadline) {
                    return new Unfinished("read " + scanned + " records from offset " + at.offset() + " in "
                            + timeout.toMillis() + " ms, " + (end - c.position(tp, CALL_TIMEOUT)) + " to go");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (r.offset() >= end) {
                        return new Absent();
                    }
                    if (++scanned > MAX_RECORDS_SCANNED || r.timestamp() > startMs + MAX_LATENESS_MS) {
                        return new Absent();
                    }
                    var type = r.headers().lastHeader(MediaRecords.TYPE_HEADER);
                    if (type != null && Arrays.equals(type.value(), MediaRecords.STREAM_INFO)) {
                        Object v = records.decode(r.headers(), r.value());
                        if (v instanceof StreamInfo info
                                && info.getIngestSessionId().equals(sessionId)) {
                            log.info("found stream info of session {} at offset {}", sessionId, r.offset());
                            return new Found(info);
                        }
                    }
                }
            }
            return new Absent();
        } catch (TimeoutException e) {
            return new Unfinished(e.getMessage());
        }
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
