// Helper of dev/bench_segmenter.py, run as a single source file on kvr's class path:
//   java -cp 'launcher/target/kvr-launcher.jar:launcher/target/lib/*' dev/SegmenterBench.java MODE ARGS...
// Modes (each prints one JSON object on its last line):
//   synthesize BOOTSTRAP SRC_TOPIC DST_TOPIC COPIES PARTITIONS
//       copies every stream of SRC_TOPIC COPIES times into DST_TOPIC (stream "a/b" becomes "synthK/a-b"), the copies
//       of one unit next to each other, as if COPIES times as many cameras had recorded at once
//   latency BOOTSTRAP MEDIA_TOPIC INDEX_URL SECONDS
//       for SECONDS: tails MEDIA_TOPIC (noting when each video keyframe is read, and its arrivalTimeMs) and polls the
//       index; a segment's visible latency = when it first shows in the index - when the keyframe that closed it was
//       read from Kafka ("read"), and - when the bridge received that keyframe ("arrival", an upper bound of the
//       time from Kafka, as it includes the bridge's produce; it does not depend on this tail keeping up)
import io.kvr.index.HttpSegmentIndex;
import io.kvr.index.IndexedSegment;
import io.kvr.index.StreamSummary;
import io.kvr.mediatopic.MediaRecords;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.Codec;
import io.kvr.schemas.SegmentRecord;
import io.kvr.schemas.StreamInfo;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class SegmenterBench {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "synthesize" -> synthesize(args[1], args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            case "latency" -> latency(args[1], args[2], URI.create(args[3]), Integer.parseInt(args[4]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("enable.auto.commit", "false");
        p.put("max.partition.fetch.bytes", String.valueOf(16 * 1024 * 1024 + 65536));
        p.put("fetch.max.wait.ms", "10");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    static List<TopicPartition> partitions(KafkaConsumer<?, ?> c, String topic) {
        return c.partitionsFor(topic, Duration.ofSeconds(30)).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    }

    static void synthesize(String bootstrap, String src, String dst, int copies, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(dst, partitions, (short) 1).configs(Map.of(
                    "max.message.bytes", String.valueOf(16 * 1024 * 1024), "retention.ms", "-1")))).all().get();
        }
        MediaRecords records = new MediaRecords();
        Properties pp = new Properties();
        pp.put("bootstrap.servers", bootstrap);
        pp.put("acks", "1");
        pp.put("linger.ms", "20");
        pp.put("batch.size", String.valueOf(1024 * 1024));
        pp.put("max.request.size", String.valueOf(16 * 1024 * 1024 + 65536));
        long units = 0;
        long bytes = 0;
        Map<String, long[]> captureSpan = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = consumer(bootstrap);
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer())) {
            List<TopicPartition> tps = partitions(c, src);
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    Object v = records.decode(r.headers(), r.value());
                    for (int k = 0; k < copies; k++) {
                        String stream = "synth" + k + "/" + r.key().replace('/', '-');
                        byte[] value;
                        if (v instanceof AccessUnit u) {
                            u.setStreamId(stream);
                            value = records.encode(u);
                        } else {
                            StreamInfo info = (StreamInfo) v;
                            info.setStreamId(stream);
                            value = records.encode(info);
                        }
                        producer.send(new ProducerRecord<>(dst, null, r.timestamp(), stream, value, r.headers()));
                    }
                    if (v instanceof AccessUnit u) {
                        units += copies;
                        bytes += (long) copies * r.value().length;
                        if (u.getCodec() == Codec.H264 || u.getCodec() == Codec.H265) {
                            long[] span = captureSpan.computeIfAbsent(r.key(), key -> new long[] {Long.MAX_VALUE, 0});
                            span[0] = Math.min(span[0], u.getCaptureTimeMs());
                            span[1] = Math.max(span[1], u.getCaptureTimeMs());
                        }
                    }
                }
            }
            producer.flush();
        }
        double seconds = captureSpan.values().stream().mapToDouble(s -> (s[1] - s[0]) / 1000.0).sum() * copies;
        System.out.printf("{\"units\": %d, \"bytes\": %d, \"streams\": %d, \"camera_seconds\": %.1f}%n",
                units, bytes, captureSpan.size() * copies, seconds);
    }

    /**
     * The arrivalTimeMs of an AccessUnit value that is a video keyframe, else -1. Avro single-object encoding: 2
     * marker bytes, 8 fingerprint bytes, then the fields in schema order; only the fields before the payload are
     * read, so that the tail keeps up with the cameras: streamId, ingestSessionId (strings), track (int), codec (enum
     * index), keyframe (boolean), pts, dts (long), timebaseNum, timebaseDen (int), captureTimeMs, arrivalTimeMs.
     */
    static long videoKeyframeArrival(byte[] v) {
        int[] pos = {10};
        for (int i = 0; i < 2; i++) {
            int length = (int) varint(v, pos);
            pos[0] += length;
        }
        varint(v, pos);
        int codec = (int) varint(v, pos);
        boolean keyframe = v[pos[0]++] != 0;
        String name = Codec.getClassSchema().getEnumSymbols().get(codec);
        if (!keyframe || !(name.equals("H264") || name.equals("H265"))) {
            return -1;
        }
        for (int i = 0; i < 5; i++) { // pts, dts, timebaseNum, timebaseDen, captureTimeMs
            varint(v, pos);
        }
        return varint(v, pos); // arrivalTimeMs
    }

    /** Avro zig-zag varint at pos[0], advancing it. */
    static long varint(byte[] v, int[] pos) {
        long raw = 0;
        int shift = 0;
        int b;
        do {
            b = v[pos[0]++] & 0xff;
            raw |= (long) (b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return (raw >>> 1) ^ -(raw & 1);
    }

    static void latency(String bootstrap, String topic, URI index, int seconds) throws Exception {
        // per stream: offset of each video keyframe -> {when this process read it (wall ms), its arrivalTimeMs}
        Map<String, TreeMap<Long, long[]>> keyframes = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        Thread tail = Thread.ofPlatform().start(() -> {
            try (KafkaConsumer<String, byte[]> c = consumer(bootstrap)) {
                List<TopicPartition> tps = partitions(c, topic);
                c.assign(tps);
                c.seekToEnd(tps);
                tps.forEach(c::position);
                while (System.nanoTime() < deadline + Duration.ofSeconds(5).toNanos()) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(50))) {
                        long at = System.currentTimeMillis();
                        var type = r.headers().lastHeader(MediaRecords.TYPE_HEADER);
                        long arrival = type != null && java.util.Arrays.equals(type.value(), MediaRecords.ACCESS_UNIT)
                                ? videoKeyframeArrival(r.value()) : -1;
                        if (arrival >= 0) {
                            TreeMap<Long, long[]> m = keyframes.computeIfAbsent(r.key(), k -> new TreeMap<>());
                            synchronized (m) {
                                m.put(r.offset(), new long[] {at, arrival});
                            }
                        }
                    }
                }
            }
        });
        HttpSegmentIndex idx = new HttpSegmentIndex(index);
        Map<String, Long> counts = new HashMap<>();
        Map<String, SegmentRecord> seen = new HashMap<>();
        Map<String, Long> seenAt = new HashMap<>();
        Thread.sleep(1000); // the tail is positioned
        long startedMs = System.currentTimeMillis();
        while (System.nanoTime() < deadline) {
            for (StreamSummary s : idx.streams()) {
                Long before = counts.put(s.streamId(), s.segments());
                if (before != null && s.segments() > before) {
                    long at = System.currentTimeMillis();
                    for (IndexedSegment seg : idx.latest(s.streamId(), (int) Math.min(10, s.segments() - before))) {
                        String key = seg.segment().getObjectKey();
                        if (seen.putIfAbsent(key, seg.segment()) == null) {
                            seenAt.put(key, at);
                        }
                    }
                }
            }
            Thread.sleep(20);
        }
        tail.join();
        List<Long> read = new ArrayList<>();
        List<Long> arrival = new ArrayList<>();
        for (var e : seen.entrySet()) {
            SegmentRecord s = e.getValue();
            TreeMap<Long, long[]> m = keyframes.get(s.getStreamId());
            if (m == null) {
                continue;
            }
            Map.Entry<Long, long[]> closing;
            synchronized (m) {
                closing = m.higherEntry(s.getLastOffset());
            }
            long visible = seenAt.get(e.getKey());
            // the keyframe came before the poll began, or after the segment was visible (then the idle flush of
            // a stream that paused closed it, not the keyframe): not counted
            if (closing == null || closing.getValue()[1] < startedMs || closing.getValue()[1] > visible) {
                continue;
            }
            read.add(visible - closing.getValue()[0]);
            arrival.add(visible - closing.getValue()[1]);
        }
        System.out.println("{\"read\": " + quantiles(read) + ", \"arrival\": " + quantiles(arrival) + "}");
    }

    static String quantiles(List<Long> xs) {
        xs.sort(null);
        int n = xs.size();
        return String.format("{\"count\": %d, \"p50_ms\": %d, \"p99_ms\": %d, \"max_ms\": %d, \"min_ms\": %d}", n,
                n == 0 ? -1 : xs.get((int) Math.floor(0.5 * (n - 1))), n == 0 ? -1 : xs.get((int) Math.ceil(0.99 * (n - 1))),
                n == 0 ? -1 : xs.get(n - 1), n == 0 ? -1 : xs.get(0));
    }
}
