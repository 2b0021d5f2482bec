// Helper of dev/bench_export.py, run as a single source file on kvr's class path:
//   java -cp 'launcher/target/kvr-launcher.jar:launcher/target/lib/*' dev/ExportBench.java MODE ARGS...
// Modes (each prints one JSON object on its last line):
//   loop BOOTSTRAP MEDIA_TOPIC SRC_STREAM DST_STREAM SECONDS
//       Reads the last ingest session of SRC_STREAM (as the bridge published it to MEDIA_TOPIC) and publishes it
//       again under DST_STREAM, looped until SECONDS of media, as fast as Kafka takes it: one new ingest session
//       (StreamInfo first), the units of whole GOPs (first keyframe up to the last keyframe) repeated with pts/dts,
//       sequence, capture and arrival times shifted by the loop's span, so the copy reads as one continuous
//       recording that ends about now. kvr's segmenter and indexer then record it like any camera: SECONDS of a
//       camera recorded through kvr (Kafka, segmenter, object storage, index) in far less than SECONDS.
import io.kvr.runtime.kafka.MediaRecords;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.Codec;
import io.kvr.schemas.StreamInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class ExportBench {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "loop" -> loop(args[1], args[2], args[3], args[4], Double.parseDouble(args[5]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    record Unit(AccessUnit unit, Headers headers) {
    }

    static void loop(String bootstrap, String topic, String src, String dst, double seconds) throws Exception {
        MediaRecords records = new MediaRecords();
        StreamInfo info = null;
        List<Unit> units = new ArrayList<>();
        Properties cp = new Properties();
        cp.put("bootstrap.servers", bootstrap);
        cp.put("enable.auto.commit", "false");
        cp.put("max.partition.fetch.bytes", String.valueOf(16 * 1024 * 1024 + 65536));
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(cp, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (!src.equals(r.key())) {
                        continue;
                    }
                    Object v = records.decode(r.headers(), r.value());
                    if (v instanceof StreamInfo s) {
                        info = s; // only the last session is looped
                        units.clear();
                    } else if (v instanceof AccessUnit u && info != null
                            && u.getIngestSessionId().toString().equals(info.getIngestSessionId().toString())) {
                        units.add(new Unit(u, r.headers()));
                    }
                }
            }
        }
        if (info == null) {
            throw new IllegalStateException("no ingest session of " + src + " in " + topic);
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
            throw new IllegalStateException("too few keyframes in " + src + ": " + keyframes.size());
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
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer())) {
            StreamInfo copy = StreamInfo.newBuilder(info).setStreamId(dst).setIngestSessionId(session)
                    .setStartedAtMs(base).build();
            Headers h = new org.apache.kafka.common.header.internals.RecordHeaders()
                    .add(MediaRecords.TYPE_HEADER, MediaRecords.STREAM_INFO);
            producer.send(new ProducerRecord<>(topic, null, base, dst, records.encode(copy), h)).get();
            for (int k = 0; k < loops; k++) {
                for (Unit x : window) {
                    AccessUnit u = x.unit();
                    // the shift in this track's own timebase (video: exactly the keyframes' pts difference)
                    long shift = u.getTrack() == videoTrack
                            ? k * (keyframes.get(keyframes.size() - 1) - keyframes.get(0))
                            : Math.round(k * span * u.getTimebaseDen() / u.getTimebaseNum());
                    long capture = base + (u.getCaptureTimeMs() - firstCapture) + k * spanMs;
                    if (u.getChunkIndex() == 0) {
                        sequence++;
                    }
                    AccessUnit v = AccessUnit.newBuilder(u).setStreamId(dst).setIngestSessionId(session)
                            .setPts(u.getPts() + shift).setDts(u.getDts() + shift).setCaptureTimeMs(capture)
                            .setArrivalTimeMs(base + (u.getArrivalTimeMs() - firstCapture) + k * spanMs)
                            .setSequence(sequence - 1).build();
                    byte[] value = records.encode(v);
                    bytes += value.length;
                    producer.send(new ProducerRecord<>(topic, null, capture, dst, value, x.headers()));
                }
            }
            producer.flush();
        }
        double produceSeconds = (System.nanoTime() - t) / 1e9;
        System.out.printf("{\"loops\": %d, \"span_s\": %.3f, \"seconds\": %.1f, \"units\": %d, \"bytes\": %d, "
                        + "\"start_ms\": %d, \"end_ms\": %d, \"produce_s\": %.1f}%n", loops, span, loops * span,
                (long) loops * window.size(), bytes, base, base + loops * spanMs, produceSeconds);
    }
}
