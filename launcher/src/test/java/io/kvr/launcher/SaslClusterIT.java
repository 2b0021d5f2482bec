package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.kvr.bridge.BridgeConfig;
import io.kvr.bridge.IngestBridge;
import io.kvr.embedded.kafka.EmbeddedKafka;
import io.kvr.embedded.s3.EmbeddedS3;
import io.kvr.indexer.Indexer;
import io.kvr.indexer.IndexerConfig;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.metrics.Metrics;
import io.kvr.segmenter.Segmenter;
import io.kvr.segmenter.SegmenterConfig;
import io.kvr.testsupport.TestCamera;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A broker that only lets SCRAM users in. The embedded broker gets a SASL_PLAINTEXT listener with
 * SCRAM-SHA-256 and one user; bridge, segmenter and indexer are pointed at that listener with nothing but the
 * pass-through settings {@code kafka.security.protocol}, {@code kafka.sasl.mechanism} and
 * {@code kafka.sasl.jaas.config}, and record the test camera. A client with a wrong password is turned away, and
 * the password appears in no log line of the apps and their Kafka clients (whose config dumps, at INFO, are
 * captured too, to show the capture sees them).
 */
class SaslClusterIT {
    private static final String STREAM = "sasl/cam";
    private static final String USER = "kvr-app";
    private static final String PASSWORD = "Scram-pw-7f3e1c";

    @Test
    void appsConfiguredOnlyThroughPassThroughSettingsRecordOverScram(@TempDir Path dir) throws Exception {
        EmbeddedKafka.ScramListener scram = EmbeddedKafka.ScramListener.of("SCRAM-SHA-256", USER, PASSWORD);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(
                        EmbeddedKafka.Config.of(dir.resolve("kafka")).withScram(scram));
                EmbeddedS3 s3 = EmbeddedS3.start(EmbeddedS3.Config.of(dir.resolve("s3"), "kvr", "kvr-test-secret"));
                TestCamera camera = TestCamera.start();
                LogCapture logs = LogCapture.start()) {
            String sasl = kafka.saslBootstrapServers().orElseThrow();

            // the listener refuses a wrong password (and so could refuse the apps)
            Map<String, Object> wrong = new HashMap<>(scram.clientProperties(USER, "not-the-password"));
            wrong.put("bootstrap.servers", sasl);
            wrong.put("request.timeout.ms", 15_000);
            wrong.put("default.api.timeout.ms", 20_000);
            try (Admin admin = Admin.create(wrong)) {
                assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(SaslAuthenticationException.class);
            }

            Map<String, String> values = new HashMap<>();
            values.put("kafka.bootstrap.servers", sasl);
            values.put("kafka.security.protocol", "SASL_PLAINTEXT");
            values.put("kafka.sasl.mechanism", "SCRAM-SHA-256");
            values.put(
                    "kafka.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required" + " username=\"" + USER
                            + "\" password=\"" + PASSWORD + "\";");
            values.put("s3.endpoint", s3.endpoint());
            values.put("s3.access.key", s3.accessKey());
            values.put("s3.secret.key", s3.secretKey());
            values.put("s3.path.style", "true");
            values.put("topics.replication.factor", "1");
            values.put("indexer.state.dir", dir.resolve("indexer").toString());
            values.put("http.port", "0");
            values.put("camera." + STREAM + ".url", camera.url(TestCamera.H264));
            Settings settings = Settings.of(values);
            MeterRegistry metrics = Metrics.prometheus("it");

            try (Indexer indexer = Indexer.start(IndexerConfig.from(settings), metrics);
                    Segmenter segmenter = Segmenter.start(SegmenterConfig.from(settings), metrics);
                    IngestBridge bridge = IngestBridge.start(BridgeConfig.from(settings), metrics)) {
                assertThat(indexer.awaitRunning(Duration.ofMinutes(2))).isTrue();
                await("segments of " + STREAM + " indexed")
                        .atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> indexer.index().latest(STREAM, 10).size() >= 2);
            }

            // the apps' groups exist, seen by the SCRAM user on the SASL listener
            Map<String, Object> right = new HashMap<>(scram.clientProperties(USER, PASSWORD));
            right.put("bootstrap.servers", sasl);
            try (Admin admin = Admin.create(right)) {
                assertThat(admin.listGroups().all().get(30, TimeUnit.SECONDS).stream()
                                .map(g -> g.groupId()))
                        .contains("kvr-segmenter", "kvr-indexer");
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                        .contains("kvr.media.v1", "kvr.segments.v1");
            }

            List<String> lines = logs.lines();
            assertThat(lines)
                    .as("Kafka client config dumps captured")
                    .anyMatch(l -> l.contains("sasl.jaas.config = [hidden]"));
            assertThat(lines).as("log lines holding the SCRAM password").noneMatch(l -> l.contains(PASSWORD));
        }
    }

    /**
     * Every log event of this JVM from now on, kept as formatted message plus stack trace, with Kafka's config dump
     * logger lowered to INFO (it prints every client's settings there); the previous level comes back on close.
     */
    private static final class LogCapture implements AutoCloseable {
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        private final Logger root;
        private final Logger kafka;
        private final Level kafkaLevel;

        private LogCapture() {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            kafka = context.getLogger("org.apache.kafka.common.config.AbstractConfig");
            kafkaLevel = kafka.getLevel();
            appender.setContext(context);
            appender.start();
            root.addAppender(appender);
            kafka.setLevel(Level.INFO);
        }

        static LogCapture start() {
            return new LogCapture();
        }

        List<String> lines() {
            synchronized (appender) {
                return appender.list.stream()
                        .map(e -> e.getFormattedMessage()
                                + (e.getThrowableProxy() == null
                                        ? ""
                                        : ThrowableProxyUtil.asString(e.getThrowableProxy())))
                        .toList();
            }
        }

        @Override
        public void close() {
            kafka.setLevel(kafkaLevel);
            root.detachAppender(appender);
            appender.stop();
        }
    }
}
