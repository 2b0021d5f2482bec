package io.kvr.testsupport.rig;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.mediatopic.MediaRecords;
import io.kvr.runtime.config.TopicNames;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.runtime.storage.ObjectStore;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.Codec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rig before any app runs: kvr's topics exist as the apps would create them, the bucket takes objects and
 * keeps them over an S3 restart on the same endpoint, and the media topic log reads sessions back in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedRigIT {
    private static final String STREAM = "rig/cam";

    EmbeddedRig rig;

    @BeforeAll
    void start(@TempDir Path data) {
        rig = EmbeddedRig.start(data, 2);
    }

    @AfterAll
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void kvrTopicsExistBeforeAnyApp() throws Exception {
        TopicNames names = rig.topics();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, rig.kafkaBootstrap()))) {
            Map<String, TopicDescription> topics = admin.describeTopics(List.of(
                            names.media(),
                            names.segments(),
                            names.sources(),
                            names.policies(),
                            "kvr.export-requests.v1",
                            "kvr.export-status.v1"))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            assertThat(topics.get(names.media()).partitions()).hasSize(2);
            assertThat(topics.get(names.segments()).partitions()).hasSize(2);
            ConfigResource media = new ConfigResource(ConfigResource.Type.TOPIC, names.media());
            assertThat(admin.describeConfigs(List.of(media))
                            .all()
                            .get(30, TimeUnit.SECONDS)
                            .get(media)
                            .get("max.message.bytes")
                            .value())
                    .isEqualTo(String.valueOf(KvrTopics.MEDIA_MAX_MESSAGE_BYTES));
        }
        assertThat(rig.settings())
                .containsEntry("topics.partitions", "2")
                .containsEntry("kafka.bootstrap.servers", rig.kafkaBootstrap())
                .containsEntry("s3.endpoint", rig.s3Endpoint());
    }

    @Test
    void objectsOutliveAnS3RestartOnTheSameEndpoint() throws Exception {
        ObjectStore objects = rig.objects();
        byte[] bytes = "segment bytes".getBytes(StandardCharsets.US_ASCII);
        objects.put("rig/cam/s-1.m4s", bytes, "video/iso.segment");
        assertThat(rig.bucketDir().resolve("rig/cam/s-1.m4s")).exists();
        String endpoint = rig.s3Endpoint();

        rig.stopS3();
        rig.startS3();

        assertThat(rig.s3Endpoint()).isEqualTo(endpoint);
        try (var in = objects.get("rig/cam/s-1.m4s")) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
    }

    @Test
    void theMediaLogReadsSessionsInPartitionOrder() throws Exception {
        MediaRecords records = new MediaRecords();
        try (var producer = new KafkaProducer<>(
                Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, rig.kafkaBootstrap()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            String[] sessions = {"a", "a", "a", "b", "b", "a"};
            for (int i = 0; i < sessions.length; i++) {
                ProducerRecord<String, byte[]> r =
                        new ProducerRecord<>(rig.topics().media(), STREAM, records.encode(unit(sessions[i], i)));
                r.headers().add(MediaRecords.TYPE_HEADER, MediaRecords.ACCESS_UNIT);
                producer.send(r).get(30, TimeUnit.SECONDS);
            }
        }

        try (MediaTopicLog log = rig.mediaLog()) {
            List<MediaTopicLog.Run> runs = log.poll().runs().get(STREAM);
            assertThat(runs).extracting(MediaTopicLog.Run::session).containsExactly("a", "b", "a");
            assertThat(runs).extracting(MediaTopicLog.Run::units).containsExactly(3L, 2L, 1L);
            assertThat(log.interleavedSessions(STREAM)).containsExactly("a");
            assertThat(log.lastArrivalMs(STREAM)).isEqualTo(1_000 + 5 * 40);
            assertThat(runs.get(1).firstCaptureMs()).isEqualTo(1_000 + 3 * 40);
        }
    }

    private static AccessUnit unit(String session, int sequence) {
        return AccessUnit.newBuilder()
                .setStreamId(STREAM)
                .setIngestSessionId(session)
                .setTrack(0)
                .setCodec(Codec.H264)
                .setKeyframe(sequence == 0)
                .setPts(sequence * 3600L)
                .setDts(sequence * 3600L)
                .setTimebaseNum(1)
                .setTimebaseDen(90_000)
                .setCaptureTimeMs(1_000 + sequence * 40L)
                .setArrivalTimeMs(1_000 + sequence * 40L)
                .setSequence(sequence)
                .setPayload(ByteBuffer.wrap(new byte[] {0, 0, 0, 1, 0x65}))
                .build();
    }
}
