package io.kvr.bridge.rtspserver;

import io.kvr.mediatopic.AccessUnitAssembler;
import io.kvr.mediatopic.IngestSessionId;
import io.kvr.mediatopic.MediaRecords;
import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.runtime.kafka.TopicPartitions;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.StreamInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Fills a {@link LiveFeed} from the media topic, on its own thread: a consumer of no group assigned to the stream's
 * partition (the producer's partitioner: murmur2 of the key, the stream id), starting {@link #LOOK_BACK} in the
 * past so the feed's cache gets the latest keyframe, then following the partition live. Records of other streams
 * on the partition are skipped before they are decoded; chunked units are put back together. A unit of a session
 * whose {@code StreamInfo} lies before where reading began (a session older than the look-back) has it looked up
 * from the session's start ({@code offsetsForTimes}), as the segmenter does.
 *
 * <p>Fetches wait at most {@code fetch.max.wait.ms}=10 and return from one byte on, so a unit reaches viewers a
 * few milliseconds after the broker has it.
 */
final class FeedReader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FeedReader.class);
    static final Duration LOOK_BACK = Duration.ofSeconds(5);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(200);
    /** A session's StreamInfo is searched for among at most this many records after its start. */
    private static final int MAX_LOOKUP_RECORDS = 20_000;

    private final KafkaClients clients;
    private final LiveFeed feed;
    private final byte[] key;
    private final MediaRecords records = new MediaRecords();
    private final AccessUnitAssembler assembler = new AccessUnitAssembler();
    private final Set<String> unknownSessions = new HashSet<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    private FeedReader(KafkaClients clients, LiveFeed feed) {
        this.clients = clients;
        this.feed = feed;
        this.key = feed.stream().id().getBytes(StandardCharsets.UTF_8);
        this.consumer = clients.assigningConsumer(config(), Map.of(ConsumerConfig.CLIENT_ID_CONFIG, clientId()));
        this.thread = Thread.ofPlatform()
                .name("rtsp-relay-" + feed.stream().id())
                .daemon(true)
                .unstarted(this::run);
    }

    /** Starts reading into {@code feed}. */
    static FeedReader start(KafkaClients clients, LiveFeed feed) {
        FeedReader reader = new FeedReader(clients, feed);
        reader.thread.start();
        return reader;
    }

    private static Map<String, Object> config() {
        return Map.of(
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                10,
                ConsumerConfig.FETCH_MIN_BYTES_CONFIG,
                1,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                KvrTopics.MEDIA_MAX_MESSAGE_BYTES + 64 * 1024,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "latest");
    }

    private String clientId() {
        return "kvr-bridge-relay-" + feed.stream().id().replace('/', '.');
    }

    /** The partition the producer writes {@code key} to: Kafka's default partitioner for a keyed record. */
    static int partitionOf(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    private void run() {
        MDC.put("stream", feed.stream().id());
        String topic = clients.topics().media();
        try (consumer) {
            List<TopicPartition> all = TopicPartitions.await(consumer, topic, CALL_TIMEOUT);
            TopicPartition tp = new TopicPartition(topic, partitionOf(key, all.size()));
            consumer.assign(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), CALL_TIMEOUT).get(tp);
            long from = System.currentTimeMillis() - LOOK_BACK.toMillis();
            OffsetAndTimestamp at =
                    consumer.offsetsForTimes(Map.of(tp, from), CALL_TIMEOUT).get(tp);
            consumer.seek(tp, at == null ? end : at.offset());
            boolean caughtUp = false;
            if (at == null || at.offset() >= end) {
                feed.caughtUp();
                caughtUp = true;
            }
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    if (Arrays.equals(r.key(), key)) {
                        record(tp, r);
                    }
                }
                if (!caughtUp && consumer.position(tp, CALL_TIMEOUT) >= end) {
                    feed.caughtUp();
                    caughtUp = true;
                }
            }
        } catch (WakeupException e) {
            // closed
        } catch (RuntimeException e) {
            if (running) {
                log.warn("live relay of {}: cannot read the media topic", feed.stream(), e);
                feed.end("cannot read the media topic: " + e.getMessage());
            }
        }
    }

    private void record(TopicPartition tp, ConsumerRecord<byte[], byte[]> r) {
        Object value;
        try {
            value = records.decode(r.headers(), r.value());
        } catch (RuntimeException e) {
            return; // not a record of this contract: the segmenter counts it, the relay has nothing to show
        }
        switch (value) {
            case StreamInfo info -> {
                assembler.streamInfo(tp.partition(), info.getStreamId(), r.offset());
                feed.session(info);
            }
            case AccessUnit unit ->
                assembler
                        .accept(tp.partition(), r.offset(), unit)
                        .ifPresent(whole -> unit(tp, whole.unit(), whole.firstOffset()));
            default -> {}
        }
    }

    private void unit(TopicPartition tp, AccessUnit unit, long offset) {
        String session = unit.getIngestSessionId();
        if (!feed.inSession(session)) {
            if (unknownSessions.contains(session)) {
                return;
            }
            Optional<StreamInfo> info = lookup(tp, session, offset);
            if (info.isEmpty()) {
                unknownSessions.add(session);
                log.warn(
                        "live relay of {}: no stream info of session {}; its units are not relayed",
                        feed.stream(),
                        session);
                return;
            }
            feed.session(info.get());
        }
        feed.unit(unit);
    }

    /** The StreamInfo of {@code session}, searched from the session's start up to {@code before}. */
    private Optional<StreamInfo> lookup(TopicPartition tp, String session, long before) {
        long startMs = IngestSessionId.startMs(session);
        if (startMs < 0) {
            return Optional.empty();
        }
        try (KafkaConsumer<byte[], byte[]> c = clients.assigningConsumer(
                Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, KvrTopics.MEDIA_MAX_MESSAGE_BYTES + 64 * 1024),
                Map.of(ConsumerConfig.CLIENT_ID_CONFIG, clientId() + "-lookup"))) {
            c.assign(List.of(tp));
            OffsetAndTimestamp at =
                    c.offsetsForTimes(Map.of(tp, startMs), CALL_TIMEOUT).get(tp);
            if (at == null) {
                return Optional.empty();
            }
            c.seek(tp, at.offset());
            long deadline = System.nanoTime() + CALL_TIMEOUT.toNanos();
            int scanned = 0;
            while (running && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(POLL)) {
                    if (r.offset() >= before || ++scanned > MAX_LOOKUP_RECORDS) {
                        return Optional.empty();
                    }
                    if (Arrays.equals(r.key(), key)) {
                        try {
                            if (records.decode(r.headers(), r.value()) instanceof StreamInfo info
                                    && info.getIngestSessionId().equals(session)) {
                                return Optional.of(info);
                            }
                        } catch (RuntimeException e) {
                            // skipped, as in the main loop
                        }
                    }
                }
            }
            return Optional.empty();
        }
    }

    /** Stops reading without waiting (it is called on an event loop): the thread closes its consumer on its way out. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}
