// Helper of dev/bench_edge.py, run as a single source file on kvr's class path:
//   java -cp 'launcher/target/kvr-launcher.jar:launcher/target/lib/*' dev/EdgeBenchIndex.java BOOTSTRAP TOPIC STREAM COUNT END_MS
// Gives the index an hour (or COUNT segments) of history without recording it for an hour: reads the newest real
// segment record of STREAM from the segments TOPIC and announces COUNT copies of it, back to back, ending at END_MS
// (same ingest session and init segment, one sequence number each, object keys in the hour directory of their start
// time; those objects do not exist: only playlists over them are measured). Prints {"start_ms":…,"end_ms":…,"count":…}.
import io.kvr.runtime.kafka.AvroCodec;
import io.kvr.schemas.SegmentRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class EdgeBenchIndex {
    private static final DateTimeFormatter HOUR_DIR = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(ZoneOffset.UTC);

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        String stream = args[2];
        int count = Integer.parseInt(args[3]);
        long endMs = Long.parseLong(args[4]);
        AvroCodec<SegmentRecord> codec = new AvroCodec<>(SegmentRecord.class);
        SegmentRecord real = newestSegment(bootstrap, topic, stream, codec);
        long dur = real.getDurationMs();
        long startMs = endMs - count * dur;
        String key = real.getObjectKey();
        String streamDir = key.substring(0, key.indexOf(stream + "/") + stream.length() + 1);
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("linger.ms", "20");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                long start = startMs + i * dur;
                SegmentRecord copy = SegmentRecord.newBuilder(real)
                        .setStartTimeMs(start).setEndTimeMs(start + dur).setSequence(i)
                        .setObjectKey(streamDir + HOUR_DIR.format(Instant.ofEpochMilli(start)) + "/"
                                + real.getIngestSessionId() + "-" + String.format("%010d", i) + ".m4s")
                        .build();
                producer.send(new ProducerRecord<>(topic, null, start, stream, codec.encode(copy)));
            }
            producer.flush();
        }
        System.out.println("{\"start_ms\":" + startMs + ",\"end_ms\":" + endMs + ",\"count\":" + count
                + ",\"segment_ms\":" + dur + "}");
    }

    private static SegmentRecord newestSegment(String bootstrap, String topic, String stream, AvroCodec<SegmentRecord> codec) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("enable.auto.commit", "false");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            var end = c.endOffsets(parts);
            SegmentRecord newest = null;
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline && parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    SegmentRecord s = codec.decode(r.value());
                    if (s.getStreamId().equals(stream) && (newest == null || s.getStartTimeMs() > newest.getStartTimeMs())) {
                        newest = s;
                    }
                }
            }
            if (newest != null) {
                return newest;
            }
        }
        throw new IllegalStateException("no segment of " + stream + " in " + topic);
    }
}
