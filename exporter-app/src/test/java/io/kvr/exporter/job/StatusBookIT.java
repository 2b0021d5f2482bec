package io.kvr.exporter.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvr.embedded.kafka.EmbeddedKafka;
import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.kafka.AvroCodec;
import io.kvr.schemas.ExportStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The view of the export status topic, through its public API, against a real (embedded) broker. */
class StatusBookIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger TOPICS = new AtomicInteger();

    @TempDir
    static Path dir;

    private static EmbeddedKafka kafka;
    private static KafkaProducer<String, byte[]> producer;
    private static KafkaSettings settings;
    private final AvroCodec<ExportStatus> codec = new AvroCodec<>(ExportStatus.class);

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start(EmbeddedKafka.Config.of(dir.resolve("kafka")));
        settings = KafkaSettings.from(Settings.of(Map.of("kafka.bootstrap.servers", kafka.bootstrapServers())));
        producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aNewInstanceReadsTheTopicFromItsBeginningAndKeepsTheNewestStatusOfEachExport() throws Exception {
        String topic = topic();
        send(topic, status("a", "running", 10, 1_000, 2_000));
        send(topic, status("a", "done", 100, 1_000, 5_000));
        // an older status read after a newer one (another instance's late write) does not win
        send(topic, status("a", "running", 50, 1_000, 3_000));
        send(topic, status("b", "queued", 0, 4_000, 4_000));

        try (StatusBook book = new StatusBook(settings, topic, "status-book-test").start()) {
            assertThat(book.awaitCaughtUp(WAIT)).isTrue();
            assertThat(book.caughtUp()).isTrue();

            assertThat(book.get("a")).hasValueSatisfying(s -> {
                assertThat(s.getState()).isEqualTo("done");
                assertThat(s.getProgress()).isEqualTo(100);
            });
            assertThat(book.get("b").map(ExportStatus::getState)).hasValue("queued");
            assertThat(book.get("c")).isEmpty();
            assertThat(book.all())
                    .as("newest request first")
                    .extracting(ExportStatus::getId)
                    .containsExactly("b", "a");
            assertThat(book.queued()).isEqualTo(1);
        }
    }

    @Test
    void statusesWrittenLaterAndTombstonesReachARunningBook() throws Exception {
        String topic = topic();
        try (StatusBook book = new StatusBook(settings, topic, "status-book-test").start()) {
            assertThat(book.awaitCaughtUp(WAIT))
                    .as("an empty topic is read at once")
                    .isTrue();
            assertThat(book.all()).isEmpty();

            send(topic, status("x", "queued", 0, 1_000, 1_000));
            send(topic, status("y", "queued", 0, 2_000, 2_000));
            await().atMost(WAIT).until(() -> book.queued() == 2);

            send(topic, status("x", "running", 5, 1_000, 3_000));
            producer.send(new ProducerRecord<>(topic, "y", null)).get(30, TimeUnit.SECONDS);
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(book.get("x").map(ExportStatus::getState)).hasValue("running");
                assertThat(book.get("y")).as("deleted by a tombstone").isEmpty();
            });
            assertThat(book.queued()).isZero();
        }
    }

    @Test
    void anUnreadableRecordIsSkippedAndTheRestIsRead() throws Exception {
        String topic = topic();
        producer.send(new ProducerRecord<>(topic, "junk", "not avro".getBytes(StandardCharsets.UTF_8)))
                .get(30, TimeUnit.SECONDS);
        send(topic, status("ok", "done", 100, 1_000, 2_000));

        try (StatusBook book = new StatusBook(settings, topic, "status-book-test").start()) {
            assertThat(book.awaitCaughtUp(WAIT)).isTrue();
            assertThat(book.get("junk")).isEmpty();
            assertThat(book.get("ok").map(ExportStatus::getState)).hasValue("done");
        }
    }

    @Test
    void aPutIsSeenAtOnceAndAForgottenExportDoesNotComeBack() throws Exception {
        String topic = topic(1); // one partition: the marker is read after the echo
        try (StatusBook book = new StatusBook(settings, topic, "status-book-test").start()) {
            assertThat(book.awaitCaughtUp(WAIT)).isTrue();

            book.put(status("mine", "queued", 0, 1_000, 1_000));
            assertThat(book.get("mine").map(ExportStatus::getState))
                    .as("before any broker round trip")
                    .hasValue("queued");
            book.put(status("mine", "running", 1, 1_000, 500));
            assertThat(book.get("mine").map(ExportStatus::getState))
                    .as("an older status does not win")
                    .hasValue("queued");

            book.forget("mine");
            assertThat(book.forgotten("mine")).isTrue();
            assertThat(book.forgotten("other")).isFalse();
            assertThat(book.get("mine")).isEmpty();
            // a late echo of a status written before the delete
            send(topic, status("mine", "running", 40, 1_000, 9_000));
            send(topic, status("marker", "done", 100, 2_000, 2_000));
            await().atMost(WAIT).until(() -> book.get("marker").isPresent());
            assertThat(book.get("mine")).isEmpty();
        }
    }

    private static String topic() throws Exception {
        return topic(3);
    }

    private static String topic(int partitions) throws Exception {
        String topic = "status-book-" + TOPICS.incrementAndGet() + ".v1";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        return topic;
    }

    private void send(String topic, ExportStatus s) throws Exception {
        producer.send(new ProducerRecord<>(topic, s.getId(), codec.encode(s))).get(30, TimeUnit.SECONDS);
    }

    private static ExportStatus status(String id, String state, int progress, long requestedAtMs, long updatedAtMs) {
        return ExportStatus.newBuilder()
                .setId(id)
                .setStreamId("site/cam")
                .setStartTimeMs(0)
                .setEndTimeMs(1_000)
                .setFileName(id + ".mp4")
                .setState(state)
                .setProgress(progress)
                .setRequestedAtMs(requestedAtMs)
                .setUpdatedAtMs(updatedAtMs)
                .build();
    }
}
