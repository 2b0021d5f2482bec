package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvr.bridge.BridgeConfig;
import io.kvr.bridge.IngestBridge;
import io.kvr.indexer.Indexer;
import io.kvr.indexer.IndexerConfig;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.metrics.Metrics;
import io.kvr.segmenter.Segmenter;
import io.kvr.segmenter.SegmenterConfig;
import io.kvr.testsupport.TestCamera;
import io.kvr.testsupport.TestInfra;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recording pipeline with each app started on its own from the same settings a deployment uses, against
 * {@link TestInfra}: Kafka and MinIO containers where Docker is reachable, the embedded broker and S3 server
 * otherwise. With a topic prefix and path-style S3: topics, groups and the Streams application id follow it.
 */
class PipelineOnTestInfraIT {
    private static final String STREAM = "infra/cam";

    @Test
    void recordsThroughSeparateAppsWithATopicPrefix(@TempDir Path dir) throws Exception {
        MeterRegistry metrics = Metrics.prometheus("it");
        try (TestInfra infra = TestInfra.start(dir.resolve("infra"), Map.of());
                TestCamera camera = TestCamera.start()) {
            Map<String, String> values = new HashMap<>(infra.settings());
            values.put("topics.prefix", "it1.kvr.");
            values.put("topics.partitions", "2");
            values.put("indexer.state.dir", dir.resolve("indexer").toString());
            values.put("http.port", "0");
            values.put("camera." + STREAM + ".url", camera.url(TestCamera.H264));
            Settings settings = Settings.of(values);

            try (Indexer indexer = Indexer.start(IndexerConfig.from(settings), metrics);
                    Segmenter segmenter = Segmenter.start(SegmenterConfig.from(settings), metrics);
                    IngestBridge bridge = IngestBridge.start(BridgeConfig.from(settings), metrics)) {
                assertThat(indexer.awaitRunning(Duration.ofMinutes(2))).isTrue();
                await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> indexer.index().latest(STREAM, 10).size() >= 2);
            }

            try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.kafkaBootstrap()))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                        .contains("it1.kvr.media.v1", "it1.kvr.segments.v1", "it1.kvr-indexer-streams-changelog")
                        .noneMatch(t -> t.startsWith("kvr."));
                assertThat(admin.listGroups().all().get(30, TimeUnit.SECONDS).stream()
                                .map(g -> g.groupId()))
                        .contains("it1.kvr-segmenter", "it1.kvr-indexer");
            }
        }
    }
}
