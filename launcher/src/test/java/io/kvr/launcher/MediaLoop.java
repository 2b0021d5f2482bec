package io.kvr.launcher;

import io.kvr.mediatopic.MediaRecords;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.Codec;
import io.kvr.schemas.StreamInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A long recording made fast: reads the last ingest session of a stream as the bridge published it to the media
 * topic and publishes it again under another stream id, looped until a given length, as fast as Kafka takes it —
 * one new ingest session (StreamInfo first), whole GOPs (first keyframe up to the last) repeated with pts/dts,
 * sequence, capture and arrival times shifted by the loop's span, so the copy reads as one continuous recording
 * that ends about now. kvr's segmenter and indexer record it like any camera. Used by {@code ExportIT} and by
 * {@code dev/ExportBench.java} (the export benchmark).
 */
public final class MediaLoop {

    /** What was published: the copy covers {@code [startMs, endMs)} of capture time. */
    public record Published(
            int loops,
            double spanSeconds,
            double seconds,
            long units,
            long bytes,
            long startMs,
            long endMs,
            double produceSeconds) {
        public String json() {
            return String.format(
                    java.util.Locale.ROOT,
                    "{\"loops\": %d, \"span_s\": %.3f, \"seconds\": %.1f, "
                            + "\"units\": %d, \"bytes\": %d, \"start_ms\": %d, \"end_ms\": %d, \"produce_s\": %.1f}",
                    loops,
                    spanSeconds,
                    seconds,
                    units,
                    bytes,
                    startMs,
                    endMs,
                    produceSeconds);
        }
    }

    private record Unit(AccessUnit unit, Headers headers) {}

    private final String bootstrap;
    private final String topic;

    public MediaLoop(String bootstrap, String topic) {
        this.bootstrap = bootstrap;
        this.topic = topic;
    }

    public Published loop(String source, String target, double seconds)
            throws InterruptedException, ExecutionException {
        MediaRecords records = new MediaRecords();
        StreamInfo info = null;
        List<Unit> units = new ArrayList<>();
        Properties cp = new Properties();
        cp.put("bootstrap.servers", bootstrap);
        cp.put("enable.auto.commit", "false");
        cp.put("max.partition.fetch.bytes", String.valueOf(16 * 1024 * 1024 + 65536));
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(cp, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (!source.equals(r.key())) {
                        continue;
                    }
                    Object v = records.decode(r.headers(), r.value());
                    if (v instanceof StreamInfo s) {
                        info = s; // only the last session is looped
                        units.clear();
                    } else if (v instanceof AccessUnit u
                            && info != null
                            && u.getIngestSessionId()
                                    .toString()
                                    .equals(info.getIngestSessionId().toString())) {
                        units.add(new Unit(u, r.headers()));
                    }
                }
            }
        }
        if (info == null) {
            throw new IllegalStateException("no ingest session of " + source + " in " + topic);
        }
        // the loop: from the first video keyframe up to (without) the last one, by presentation time
        int videoTrack = -1;
        List<Long> keyframes = new ArrayList<>();
        AccessUnit firstKey = null;
        for (Unit x : units) {
            AccessUnit u = x.unit();
            boolean video = u.getCodec() == Codec.H264 || u.getCodec() == Codec.H265;
            if (video && u.getKeyframe() && u.getChunkIndex() == 0) {
                videoTrack = u.getTrack();
                keyframes.add(u.getPts());
                if (firstKey == null) {
                    firstKey = u;
                }
            }
        }
        if (keyframes.size() < 3) {
            throw new IllegalStateException("too few keyframes in " + source + ": " + keyframes.size());
        }
        double tb = (double) firstKey.getTimebaseNum() / firstKey.getTimebaseDen();
        double t0 = keyframes.get(0) * tb;
        double t1 = keyframes.get(keyframes.size() - 1) * tb;
        double span = t1 - t0;
        List<Unit> window = new ArrayList<>();
        for (Unit x : units) {
            AccessUnit u = x.unit();
            double t = u.getPts() * ((double) u.getTimebaseNum() / u.getTimebaseDen());
            if (t >= t0 - 1e-6 && t < t1 - 1e-6) {
                window.add(x);
            }
        }
        int loops = (int) Math.ceil(seconds / span);
        long spanMs = Math.round(span * 1000);
        long firstCapture = firstKey.getCaptureTimeMs();
        long base = System.currentTimeMillis() - loops * spanMs - 2000; // the copy ends about now
        String session = UUID.randomUUID().toString();

        Properties pp = new Properties();
        pp.put("bootstrap.servers", bootstrap);
        pp.put("acks", "all");
        pp.put("linger.ms", "20");
        pp.put("batch.size", String.valueOf(1024 * 1024));
        pp.put("max.request.size", String.valueOf(16 * 1024 * 1024 + 65536));
        pp.put("compression.type", "none");
        long sequence = 0;
        long bytes = 0;
        long t = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer())) {
            StreamInfo copy = StreamInfo.newBuilder(info)
                    .setStreamId(target)
                    .setIngestSessionId(session)
                    .setStartedAtMs(base)
                    .build();
            Headers h = new RecordHeaders().add(MediaRecords.TYPE_HEADER, MediaRecords.STREAM_INFO);
            producer.send(new ProducerRecord<>(topic, null, base, target, records.encode(copy), h))
                    .get();
            long videoShift = keyframes.get(keyframes.size() - 1) - keyframes.get(0);
            for (int k = 0; k < loops; k++) {
                for (Unit x : window) {
                    AccessUnit u = x.unit();
                    // the shift in this track's own timebase (video: exactly the keyframes' pts difference)
                    long shift = u.getTrack() == videoTrack
                            ? k * videoShift
                            : Math.round(k * span * u.getTimebaseDen() / u.getTimebaseNum());
                    long capture = base + (u.getCaptureTimeMs() - firstCapture) + k * spanMs;
                    if (u.getChunkIndex() == 0) {
                        sequence++;
                    }
                    AccessUnit v = AccessUnit.newBuilder(u)
                            .setStreamId(target)
                            .setIngestSessionId(session)
                            .setPts(u.getPts() + shift)
                            .setDts(u.getDts() + shift)
                            .setCaptureTimeMs(capture)
                            .setArrivalTimeMs(base + (u.getArrivalTimeMs() - firstCapture) + k * spanMs)
                            .setSequence(sequence - 1)
                            .build();
                    byte[] value = records.encode(v);
                    bytes += value.length;
                    producer.send(new ProducerRecord<>(topic, null, capture, target, value, x.headers()));
                }
            }
            producer.flush();
        }
        return new Published(
                loops,
                span,
                loops * span,
                (long) loops * window.size(),
                bytes,
                base,
                base + loops * spanMs,
                (System.nanoTime() - t) / 1e9);
    }
}
