package io.kvr.embedded.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kvr.embedded.EmbeddedException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** One broker for the whole class; the restart test runs last and leaves the restarted broker for {@link #stop()}. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedKafkaIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path data;

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start(EmbeddedKafka.Config.of(data.resolve("kafka")));
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Order(1)
    void formatsTheDataDirWithTheLatestProductionMetadataVersion() throws Exception {
        Path meta = data.resolve("kafka").resolve(EmbeddedKafka.META_PROPERTIES);
        assertThat(Files.readString(meta)).contains("cluster.id=" + kafka.clusterId(), "node.id=1");
        assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
        try (Admin admin = admin()) {
            short level = admin.describeFeatures()
                    .featureMetadata()
                    .get()
                    .finalizedFeatures()
                    .get(MetadataVersion.FEATURE_NAME)
                    .maxVersionLevel();
            assertThat(level).isEqualTo(MetadataVersion.latestProduction().featureLevel());
            assertThat(admin.describeCluster().clusterId().get()).isEqualTo(kafka.clusterId());
        }
    }

    @Test
    @Order(2)
    void topicsAreNotCreatedAutomatically() throws Exception {
        try (Admin admin = admin()) {
            assertThat(admin.describeCluster().nodes().get()).hasSize(1);
        }
        String topic = uniqueTopic("absent");
        try (KafkaProducer<String, String> producer =
                stringProducer(Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000))) {
            assertThatThrownBy(() ->
                            producer.send(new ProducerRecord<>(topic, "k", "v")).get())
                    .hasMessageContaining(topic);
        }
    }

    @Test
    @Order(3)
    void producesAndConsumesWithACommittedConsumerGroup() throws Exception {
        String topic = uniqueTopic("roundtrip");
        createTopic(topic, Map.of());
        RecordMetadata sent;
        try (KafkaProducer<String, String> producer = stringProducer(Map.of())) {
            sent = producer.send(new ProducerRecord<>(topic, "camera-1", "hello"))
                    .get();
        }
        assertThat(sent.offset()).isZero();

        String group = "group-" + UUID.randomUUID();
        try (KafkaConsumer<String, String> consumer = stringConsumer(group)) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> received = pollUntil(consumer, 1);
            assertThat(received).singleElement().satisfies(r -> {
                assertThat(r.key()).isEqualTo("camera-1");
                assertThat(r.value()).isEqualTo("hello");
            });
            consumer.commitSync(Duration.ofSeconds(30));
        }
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            assertThat(committed)
                    .extractingByKey(new TopicPartition(topic, 0))
                    .extracting(OffsetAndMetadata::offset)
                    .isEqualTo(1L);
        }
    }

    @Test
    @Order(4)
    void passesASevenMegabyteRecordThroughATopicThatAllowsIt() throws Exception {
        String topic = uniqueTopic("large");
        createTopic(
                topic, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(EmbeddedKafka.MAX_MESSAGE_BYTES)));
        byte[] payload = new byte[7 * 1024 * 1024];
        new Random(42).nextBytes(payload);
        Map<String, Object> producerConfig = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                EmbeddedKafka.MAX_MESSAGE_BYTES,
                ProducerConfig.ACKS_CONFIG,
                "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "k".getBytes(StandardCharsets.UTF_8), payload))
                    .get();
        }
        Map<String, Object> consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            List<ConsumerRecord<byte[], byte[]>> received = pollUntil(consumer, 1);
            assertThat(received)
                    .singleElement()
                    .satisfies(r -> assertThat(r.value()).isEqualTo(payload));
        }
    }

    @Test
    @Order(5)
    void failsClearlyWhenTheClientPortIsTaken(@TempDir Path otherData) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            EmbeddedKafka.Config config = EmbeddedKafka.Config.of(otherData).withPort(taken.getLocalPort());
            assertThatThrownBy(() -> EmbeddedKafka.start(config))
                    .isInstanceOf(EmbeddedException.StartFailed.class)
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    @Order(6)
    void aScramListenerLetsItsUsersInAndNoOneElseAlsoAfterARestart(@TempDir Path otherData) throws Exception {
        EmbeddedKafka.ScramListener scram =
                new EmbeddedKafka.ScramListener(0, "SCRAM-SHA-512", Map.of("alice", "alice-pw-1", "bob", "bob-pw-1"));
        EmbeddedKafka.Config config = EmbeddedKafka.Config.of(otherData).withScram(scram);
        try (EmbeddedKafka secured = EmbeddedKafka.start(config)) {
            String sasl = secured.saslBootstrapServers().orElseThrow();
            assertThat(sasl).isNotEqualTo(secured.bootstrapServers());
            assertThat(describeAs(sasl, scram.clientProperties("bob", "bob-pw-1")))
                    .isEmpty();
            assertThat(describeAs(sasl, scram.clientProperties("bob", "alice-pw-1")))
                    .hasValueSatisfying(e -> assertThat(e).isInstanceOf(SaslAuthenticationException.class));
        }
        // passwords are set again at start: the old one stops working
        EmbeddedKafka.Config changed =
                config.withScram(EmbeddedKafka.ScramListener.of("SCRAM-SHA-512", "alice", "alice-pw-2"));
        try (EmbeddedKafka secured = EmbeddedKafka.start(changed)) {
            String sasl = secured.saslBootstrapServers().orElseThrow();
            assertThat(describeAs(sasl, scram.clientProperties("alice", "alice-pw-2")))
                    .isEmpty();
            assertThat(describeAs(sasl, scram.clientProperties("alice", "alice-pw-1")))
                    .hasValueSatisfying(e -> assertThat(e).isInstanceOf(SaslAuthenticationException.class));
        }
    }

    /** Empty when {@code login} may describe the cluster at {@code bootstrap}, else the cause of the failure. */
    private static Optional<Throwable> describeAs(String bootstrap, Map<String, String> login) throws Exception {
        Map<String, Object> config = new HashMap<>(login);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster().nodes().get();
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.of(e.getCause());
        }
    }

    @Test
    @Order(100)
    void restartOnTheSameDirectoryKeepsClusterIdTopicsRecordsAndOffsets() throws Exception {
        String topic = uniqueTopic("durable");
        createTopic(topic, Map.of());
        try (KafkaProducer<String, String> producer = stringProducer(Map.of())) {
            producer.send(new ProducerRecord<>(topic, "camera-2", "survives")).get();
        }
        String group = "group-" + UUID.randomUUID();
        try (KafkaConsumer<String, String> consumer = stringConsumer(group)) {
            consumer.subscribe(List.of(topic));
            assertThat(pollUntil(consumer, 1)).hasSize(1);
            consumer.commitSync(Duration.ofSeconds(30));
        }
        String clusterId = kafka.clusterId();
        EmbeddedKafka.Config config = kafka.config();

        kafka.close();
        kafka.close(); // idempotent
        kafka = EmbeddedKafka.start(config);

        assertThat(kafka.clusterId()).isEqualTo(clusterId);
        try (Admin admin = admin()) {
            assertThat(admin.describeCluster().clusterId().get()).isEqualTo(clusterId);
            assertThat(admin.listTopics().names().get()).contains(topic);
            assertThat(admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata()
                            .get())
                    .extractingByKey(new TopicPartition(topic, 0))
                    .extracting(OffsetAndMetadata::offset)
                    .isEqualTo(1L);
        }
        try (KafkaConsumer<String, String> consumer = stringConsumer("group-" + UUID.randomUUID())) {
            consumer.subscribe(List.of(topic));
            assertThat(pollUntil(consumer, 1))
                    .singleElement()
                    .satisfies(r -> assertThat(r.value()).isEqualTo("survives"));
        }
    }

    private static <K, V> List<ConsumerRecord<K, V>> pollUntil(KafkaConsumer<K, V> consumer, int count) {
        List<ConsumerRecord<K, V>> received = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            return received.size() >= count;
        });
        return received;
    }

    private static String uniqueTopic(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private static void createTopic(String topic, Map<String, String> configs) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()).configs(configs)))
                    .all()
                    .get();
            await().atMost(WAIT).until(() -> admin.listTopics().names().get().containsAll(Set.of(topic)));
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    private static KafkaProducer<String, String> stringProducer(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>(overrides);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> stringConsumer(String group) {
        return new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        group,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false),
                new StringDeserializer(),
                new StringDeserializer());
    }
}
