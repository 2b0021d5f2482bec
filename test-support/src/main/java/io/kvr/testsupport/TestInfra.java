package io.kvr.testsupport;

import io.kvr.embedded.kafka.EmbeddedKafka;
import io.kvr.embedded.s3.EmbeddedS3;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Kafka and S3 for integration tests, chosen automatically: a Kafka container and a MinIO container
 * (Testcontainers) where a Docker engine is reachable, otherwise the embedded KRaft broker and the embedded S3
 * server, so the same tests run everywhere. {@code KVR_TEST_INFRA=embedded|containers} forces one.
 */
public final class TestInfra implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TestInfra.class);
    public static final String KAFKA_IMAGE = "apache/kafka:4.1.0";
    public static final String MINIO_IMAGE = "minio/minio:RELEASE.2025-04-22T22-12-26Z";

    private final String kind;
    private final String kafkaBootstrap;
    private final String s3Endpoint;
    private final String accessKey;
    private final String secretKey;
    private final List<AutoCloseable> parts;

    private TestInfra(
            String kind,
            String kafkaBootstrap,
            String s3Endpoint,
            String accessKey,
            String secretKey,
            List<AutoCloseable> parts) {
        this.kind = kind;
        this.kafkaBootstrap = kafkaBootstrap;
        this.s3Endpoint = s3Endpoint;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.parts = parts;
    }

    /** Starts Kafka (with {@code brokerProperties} over the defaults) and S3; embedded ones keep data under {@code dir}. */
    public static TestInfra start(Path dir, Map<String, String> brokerProperties) {
        return useContainers() ? containers(brokerProperties) : embedded(dir, brokerProperties);
    }

    static boolean useContainers() {
        String forced = System.getenv().getOrDefault("KVR_TEST_INFRA", "").toLowerCase(Locale.ROOT);
        if (forced.equals("embedded")) {
            return false;
        }
        boolean docker = DockerClientFactory.instance().isDockerAvailable();
        if (forced.equals("containers") && !docker) {
            throw new IllegalStateException("KVR_TEST_INFRA=containers but no Docker engine is reachable");
        }
        return docker;
    }

    private static TestInfra embedded(Path dir, Map<String, String> brokerProperties) {
        List<AutoCloseable> parts = new ArrayList<>();
        EmbeddedKafka kafka = EmbeddedKafka.start(
                EmbeddedKafka.Config.of(dir.resolve("kafka")).withExtraProperties(brokerProperties));
        parts.add(kafka);
        try {
            EmbeddedS3 s3 = EmbeddedS3.start(EmbeddedS3.Config.of(dir.resolve("s3"), "kvr", "kvr-test-secret"));
            parts.add(s3);
            log.info(
                    "test infrastructure: embedded Kafka {} and S3 {} (no Docker engine)",
                    kafka.bootstrapServers(),
                    s3.endpoint());
            return new TestInfra(
                    "embedded", kafka.bootstrapServers(), s3.endpoint(), s3.accessKey(), s3.secretKey(), parts);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    @SuppressWarnings("resource")
    private static TestInfra containers(Map<String, String> brokerProperties) {
        KafkaContainer kafka = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE));
        // broker properties become KAFKA_* variables, as the apache/kafka image reads them
        brokerProperties.forEach(
                (k, v) -> kafka.withEnv("KAFKA_" + k.toUpperCase(Locale.ROOT).replace('.', '_'), v));
        kafka.withEnv("KAFKA_MESSAGE_MAX_BYTES", String.valueOf(EmbeddedKafka.MAX_MESSAGE_BYTES));
        kafka.start();
        MinIOContainer minio = new MinIOContainer(DockerImageName.parse(MINIO_IMAGE));
        try {
            minio.start();
        } catch (RuntimeException e) {
            kafka.stop();
            throw e;
        }
        log.info(
                "test infrastructure: Kafka container {} and MinIO container {}",
                kafka.getBootstrapServers(),
                minio.getS3URL());
        return new TestInfra(
                "containers",
                kafka.getBootstrapServers(),
                minio.getS3URL(),
                minio.getUserName(),
                minio.getPassword(),
                List.of(kafka::stop, minio::stop));
    }

    /** {@code embedded} or {@code containers}. */
    public String kind() {
        return kind;
    }

    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    public String s3Endpoint() {
        return s3Endpoint;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** The {@code kafka.*} and {@code s3.*} settings of a kvr app pointed at this infrastructure. */
    public Map<String, String> settings() {
        return Map.of(
                "kafka.bootstrap.servers",
                kafkaBootstrap,
                "s3.endpoint",
                s3Endpoint,
                "s3.access.key",
                accessKey,
                "s3.secret.key",
                secretKey,
                "s3.path.style",
                "true",
                "topics.replication.factor",
                "1");
    }

    @Override
    public void close() {
        for (AutoCloseable part : parts.reversed()) {
            try {
                part.close();
            } catch (Exception e) {
                log.warn("cannot stop test {}: {}", kind, e.getMessage());
            }
        }
    }
}
