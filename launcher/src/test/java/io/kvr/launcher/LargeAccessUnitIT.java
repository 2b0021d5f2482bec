package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kvr.bridge.kafka.AccessUnitPublisher;
import io.kvr.index.IndexedSegment;
import io.kvr.mediatopic.AccessUnitAssembler;
import io.kvr.mediatopic.IngestSessionId;
import io.kvr.mediatopic.MediaRecords;
import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.TopicNames;
import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.Codec;
import io.kvr.schemas.SegmentRecord;
import io.kvr.schemas.StreamInfo;
import io.kvr.schemas.TrackInfo;
import io.kvr.testsupport.FFmpegTools;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * An access unit larger than the media topic's limit is written in chunks and read back whole.
 * The media topic is limited to 1 MiB (as on a cluster that keeps Kafka's default); a real H.264 clip (libopenh264)
 * whose keyframe at frame 50 carries 2.5 MiB of filler data (NAL type 12, which decoders skip) goes through the
 * bridge's publisher; the unit comes back byte for byte through the shared assembler, and the segmenter records it
 * into a segment that FFmpeg decodes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LargeAccessUnitIT {
    private static final String STREAM = "large/keyframe";
    private static final String PREFIX = "large.";
    private static final int TOPIC_LIMIT = 1_048_576;
    private static final int FILLER_BYTES = 5 * 512 * 1024;
    private static final int GOP = 25;
    private static final int HUGE_FRAME = 2 * GOP;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path data;

    static KvrServer kvr;
    static KafkaSettings kafka;
    static List<AccessUnit> published = new ArrayList<>();
    static AccessUnit huge;
    static AccessUnitAssembler.Whole hugeRead;

    @BeforeAll
    static void start() throws Exception {
        kvr = KvrServer.start(
                KvrOptions.parse(new String[] {
                    "run",
                    "--data",
                    data.toString(),
                    "--http",
                    "127.0.0.1:0",
                    "--kafka-port",
                    "0",
                    "--s3-port",
                    "0",
                    "topics.prefix=" + PREFIX
                }),
                Map.of());
        TopicNames names = new TopicNames(PREFIX + "media.v1", PREFIX + "segments.v1", 6, (short) 1);
        kafka = new KafkaSettings(Map.of("bootstrap.servers", kvr.kafkaBootstrap()), names);
        // the apps created the topic with kvr's 16 MiB; limit it to Kafka's default, as a shared cluster might
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kvr.kafkaBootstrap()))) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, names.media());
            admin.incrementalAlterConfigs(Map.of(
                            topic,
                            List.of(new AlterConfigOp(
                                    new ConfigEntry("max.message.bytes", Integer.toString(TOPIC_LIMIT)),
                                    AlterConfigOp.OpType.SET))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> admin.describeConfigs(List.of(topic))
                            .all()
                            .get(10, TimeUnit.SECONDS)
                            .get(topic)
                            .get("max.message.bytes")
                            .value()
                            .equals(Integer.toString(TOPIC_LIMIT)));
        }
    }

    @AfterAll
    static void stop() {
        if (kvr != null) {
            kvr.close();
        }
    }

    @Test
    @Order(1)
    void theTopicRefusesARecordOfTwoMebibytes() {
        try (var producer = new KafkaProducer<>(
                Map.<String, Object>of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kvr.kafkaBootstrap(),
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                        8 * TOPIC_LIMIT),
                new StringSerializer(),
                new ByteArraySerializer())) {
            var send =
                    producer.send(new ProducerRecord<>(kafka.topics().media(), "large/raw", new byte[2 * TOPIC_LIMIT]));
            assertThatThrownBy(() -> send.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(RecordTooLargeException.class);
        }
    }

    @Test
    @Order(2)
    void aUnitLargerThanTheTopicLimitIsWrittenInChunksAndReadBackWhole() throws Exception {
        List<Packet> clip = encodeClip(data.resolve("clip.ts"));
        assertThat(clip.get(HUGE_FRAME).keyframe()).as("GOP of " + GOP).isTrue();

        ConcurrentLinkedQueue<Exception> failures = new ConcurrentLinkedQueue<>();
        try (AccessUnitPublisher publisher = new AccessUnitPublisher(new KafkaClients(kafka), "large-access-unit-it")) {
            assertThat(publisher.maxRecordBytes())
                    .as("learned from the topic")
                    .isLessThan(TOPIC_LIMIT)
                    .isGreaterThan(TOPIC_LIMIT / 2);
            long startMs = System.currentTimeMillis() - 6_000;
            String session = IngestSessionId.create(startMs);
            publisher.announce(streamInfo(session, startMs));
            CountDownLatch acked = new CountDownLatch(clip.size());
            long pts0 = clip.get(0).pts();
            for (int i = 0; i < clip.size(); i++) {
                Packet p = clip.get(i);
                byte[] payload = i == HUGE_FRAME ? withFiller(p.payload(), FILLER_BYTES) : p.payload();
                AccessUnit unit = AccessUnit.newBuilder()
                        .setStreamId(STREAM)
                        .setIngestSessionId(session)
                        .setTrack(0)
                        .setCodec(Codec.H264)
                        .setKeyframe(p.keyframe())
                        .setPts(p.pts())
                        .setDts(p.dts())
                        .setTimebaseNum(1)
                        .setTimebaseDen(90_000)
                        .setCaptureTimeMs(startMs + (p.pts() - pts0) / 90)
                        .setArrivalTimeMs(startMs + (p.pts() - pts0) / 90)
                        .setSequence(i)
                        .setPayload(ByteBuffer.wrap(payload))
                        .build();
                published.add(unit);
                publisher.publish(unit, (meta, error) -> {
                    if (error != null) {
                        failures.add(error);
                    }
                    acked.countDown();
                });
            }
            huge = published.get(HUGE_FRAME);
            assertThat(acked.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(failures).isEmpty();
            assertThat(publisher.chunkedUnits()).isEqualTo(1);
            assertThat(publisher.chunkRecords()).isGreaterThanOrEqualTo(3);
        }

        List<AccessUnitAssembler.Whole> read = readBack();
        assertThat(read)
                .extracting(w -> w.unit().getSequence())
                .as("every unit, whole and in order")
                .containsExactlyElementsOf(
                        published.stream().map(AccessUnit::getSequence).toList());
        AccessUnitAssembler.Whole whole = read.get(HUGE_FRAME);
        hugeRead = whole;
        assertThat(whole.chunks()).isGreaterThanOrEqualTo(3);
        assertThat(whole.unit().getPayload().remaining()).isGreaterThan(FILLER_BYTES);
        assertThat(whole.unit()).isEqualTo(huge);
    }

    @Test
    @Order(3)
    void theSegmenterRecordsTheLargeUnitIntoASegmentThatDecodes() throws Exception {
        SegmentRecord segment = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(
                        () -> kvr.index().latest(STREAM, 10).stream()
                                .map(IndexedSegment::segment)
                                .filter(s -> s.getSequence() == HUGE_FRAME)
                                .findFirst()
                                .orElse(null),
                        s -> s != null);
        int firstSample = segment.getTracks().get(0).getSampleSizes().get(0);
        assertThat(firstSample)
                .as("the large keyframe, whole, as the segment's first sample")
                .isGreaterThan(FILLER_BYTES);
        assertThat(segment.getTracks().get(0).getSampleSizes()).hasSize(2 * GOP);
        assertThat(segment.getFirstOffset())
                .as("a unit's offset is its first chunk's")
                .isEqualTo(hugeRead.firstOffset());

        Path joined = data.resolve("large.mp4");
        try (var out = Files.newOutputStream(joined)) {
            out.write(fetch(segment.getInitKey()));
            byte[] bytes = fetch(segment.getObjectKey());
            assertThat(bytes).hasSize((int) segment.getByteSize());
            out.write(bytes);
        }
        var decoded = FFmpegTools.decode(Duration.ofSeconds(60), joined.toString());
        assertThat(decoded.exitCode()).as(decoded.describe()).isZero();
        assertThat(decoded.stderr()).as("ffmpeg errors").isBlank();
        var probe = FFmpegTools.ffprobe(
                Duration.ofSeconds(30),
                "-v",
                "error",
                "-count_frames",
                "-select_streams",
                "v",
                "-show_entries",
                "stream=nb_read_frames",
                "-of",
                "csv=p=0",
                joined.toString());
        assertThat(probe.stdout().trim()).isEqualTo(Integer.toString(2 * GOP));

        String metrics = get(kvr.baseUrl() + "/metrics");
        assertThat(metrics)
                .containsPattern("kvr_segmenter_chunked_units_total(\\{[^}]*\\})? 1\\.0")
                .containsPattern("kvr_segmenter_incomplete_units_total(\\{[^}]*\\})? 0\\.0");
    }

    private static List<AccessUnitAssembler.Whole> readBack() {
        MediaRecords records = new MediaRecords();
        AccessUnitAssembler assembler = new AccessUnitAssembler();
        List<AccessUnitAssembler.Whole> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(
                Map.<String, Object>of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kvr.kafkaBootstrap(),
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            Collection<TopicPartition> partitions = consumer
                    .partitionsFor(kafka.topics().media())
                    .stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    assertThat(r.value().length)
                            .as("record at offset " + r.offset())
                            .isLessThanOrEqualTo(TOPIC_LIMIT);
                    if (records.decode(r.headers(), r.value()) instanceof AccessUnit unit && STREAM.equals(r.key())) {
                        assembler.accept(r.partition(), r.offset(), unit).ifPresent(out::add);
                    }
                }
            }
        }
        assertThat(assembler.dropped()).isZero();
        return out;
    }

    private static StreamInfo streamInfo(String session, long startMs) {
        return StreamInfo.newBuilder()
                .setStreamId(STREAM)
                .setIngestSessionId(session)
                .setStartedAtMs(startMs)
                .setSourceUrl("file:clip.ts")
                .setTracks(List.of(TrackInfo.newBuilder()
                        .setTrack(0)
                        .setCodec(Codec.H264)
                        .setTimebaseNum(1)
                        .setTimebaseDen(90_000)
                        .setWidth(320)
                        .setHeight(240)
                        .setExtradata(ByteBuffer.allocate(0))
                        .build()))
                .build();
    }

    record Packet(boolean keyframe, long pts, long dts, byte[] payload) {}

    /** 5 s of a test pattern, H.264 (libopenh264, a keyframe every {@value #GOP} frames) in MPEG-TS, read packet by packet. */
    private static List<Packet> encodeClip(Path file) throws Exception {
        FFmpegTools.ffmpeg(
                        Duration.ofSeconds(60),
                        "-v",
                        "error",
                        "-y",
                        "-f",
                        "lavfi",
                        "-i",
                        "testsrc=size=320x240:rate=25",
                        "-t",
                        "5",
                        "-c:v",
                        "libopenh264",
                        "-g",
                        Integer.toString(GOP),
                        "-b:v",
                        "500k",
                        "-f",
                        "mpegts",
                        file.toString())
                .orThrow();
        List<Packet> out = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            grabber.start();
            AVPacket pkt;
            while ((pkt = grabber.grabPacket()) != null) {
                byte[] payload = new byte[pkt.size()];
                pkt.data().get(payload);
                out.add(new Packet((pkt.flags() & avcodec.AV_PKT_FLAG_KEY) != 0, pkt.pts(), pkt.dts(), payload));
                avcodec.av_packet_unref(pkt);
            }
            grabber.stop();
        }
        assertThat(out).hasSize(125);
        return out;
    }

    /** The access unit followed by a filler data NAL unit (H.264 7.3.2.7: 0xFF bytes, then the stop bit). */
    private static byte[] withFiller(byte[] unit, int fillerBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(unit.length + fillerBytes + 6);
        out.writeBytes(unit);
        out.writeBytes(new byte[] {0, 0, 0, 1, 0x0C});
        byte[] filler = new byte[fillerBytes];
        Arrays.fill(filler, (byte) 0xFF);
        filler[fillerBytes - 1] = (byte) 0x80;
        out.writeBytes(filler);
        return out.toByteArray();
    }

    private static byte[] fetch(String key) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(kvr.baseUrl() + "/" + key)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(key).isEqualTo(200);
        return r.body();
    }

    private static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
