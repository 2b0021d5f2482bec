package io.kvr.testsupport.rig;

import io.kvr.mediatopic.MediaRecords;
import io.kvr.schemas.AccessUnit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What the bridges wrote to the media topic, per stream and in partition order: the ingest sessions one after
 * another (with their unit counts and last arrival), read by {@link #poll()} from the beginning. Used from one
 * thread at a time.
 */
public final class MediaTopicLog implements AutoCloseable {
    /** A run of consecutive units of one session in a stream's partition order. */
    public static final class Run {
        private final String session;
        private long units;
        private long firstArrivalMs = Long.MAX_VALUE;
        private long lastArrivalMs;
        private long firstCaptureMs = Long.MAX_VALUE;
        private long lastCaptureMs;

        Run(String session) {
            this.session = session;
        }

        /** The ingest session id. */
        public String session() {
            return session;
        }

        public long units() {
            return units;
        }

        public long firstArrivalMs() {
            return firstArrivalMs;
        }

        public long lastArrivalMs() {
            return lastArrivalMs;
        }

        public long firstCaptureMs() {
            return firstCaptureMs;
        }

        public long lastCaptureMs() {
            return lastCaptureMs;
        }

        @Override
        public String toString() {
            return session + " x" + units + " arrived [" + firstArrivalMs + ".." + lastArrivalMs + "] captured ["
                    + firstCaptureMs + ".." + lastCaptureMs + "]";
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final MediaRecords records = new MediaRecords();
    private final Map<String, List<Run>> runs = new LinkedHashMap<>();

    public MediaTopicLog(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024 + 65536);
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> all = new ArrayList<>();
        consumer.partitionsFor(topic, Duration.ofSeconds(30))
                .forEach(i -> all.add(new TopicPartition(topic, i.partition())));
        consumer.assign(all);
        consumer.seekToBeginning(all);
    }

    /** Reads what is there now (up to the current end of every partition). */
    public MediaTopicLog poll() {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline && !reached(end)) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (records.decode(r.headers(), r.value()) instanceof AccessUnit u) {
                    List<Run> list = runs.computeIfAbsent(r.key(), k -> new ArrayList<>());
                    if (list.isEmpty() || !list.get(list.size() - 1).session.equals(u.getIngestSessionId())) {
                        list.add(new Run(u.getIngestSessionId()));
                    }
                    Run run = list.get(list.size() - 1);
                    run.units++;
                    run.firstArrivalMs = Math.min(run.firstArrivalMs, u.getArrivalTimeMs());
                    run.lastArrivalMs = Math.max(run.lastArrivalMs, u.getArrivalTimeMs());
                    run.firstCaptureMs = Math.min(run.firstCaptureMs, u.getCaptureTimeMs());
                    run.lastCaptureMs = Math.max(run.lastCaptureMs, u.getCaptureTimeMs());
                }
            }
        }
        return this;
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (var e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Per stream, its sessions' runs in partition order. */
    public Map<String, List<Run>> runs() {
        return runs;
    }

    /** The latest arrival of any unit of {@code stream}; 0 when none. */
    public long lastArrivalMs(String stream) {
        long last = 0;
        for (Run r : runs.getOrDefault(stream, List.of())) {
            last = Math.max(last, r.lastArrivalMs);
        }
        return last;
    }

    /**
     * Sessions of {@code stream} that appear in more than one run: their units were interleaved with another
     * session's, i.e. two pullers at once.
     */
    public List<String> interleavedSessions(String stream) {
        Map<String, Integer> seen = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (Run r : runs.getOrDefault(stream, List.of())) {
            if (seen.merge(r.session, 1, Integer::sum) == 2) {
                out.add(r.session);
            }
        }
        return out;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
