package io.kvr.launcher;

import io.kvr.bridge.BridgeConfig;
import io.kvr.bridge.IngestBridge;
import io.kvr.edge.Edge;
import io.kvr.edge.EdgeConfig;
import io.kvr.http.HttpService;
import io.kvr.http.Router;
import io.kvr.http.access.AccessControl;
import io.kvr.index.SegmentIndex;
import io.kvr.indexer.Indexer;
import io.kvr.indexer.IndexerConfig;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.metrics.Metrics;
import io.kvr.testsupport.rig.EmbeddedRig;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kvr's parts started one by one in this JVM, so a test can stop or replace one of them: on an {@link EmbeddedRig}
 * (embedded Kafka, an embedded S3 server that can be stopped and started again on the same port and data
 * directory) the indexer, the edge (recordings API) and, when asked, the bridge and an in-process segmenter.
 * {@link #settings()} are the keys every app reads, also for a segmenter in another JVM.
 */
final class RecordingRig implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RecordingRig.class);

    private final MeterRegistry metrics = Metrics.prometheus("rig");
    private final EmbeddedRig infra;
    private final Map<String, String> settings;
    private Indexer indexer;
    private HttpService edge;
    private IngestBridge bridge;
    private AutoCloseable segmenter;

    private RecordingRig(EmbeddedRig infra, Map<String, String> settings) {
        this.infra = infra;
        this.settings = settings;
    }

    /** Kafka, S3, indexer and edge; topics with {@code partitions} partitions. */
    static RecordingRig start(Path data, int partitions) {
        EmbeddedRig infra = EmbeddedRig.start(data, partitions);
        Map<String, String> settings = new LinkedHashMap<>(infra.settings());
        settings.put("indexer.state.dir", data.resolve("indexer").toString());
        settings.put("http.host", "127.0.0.1");
        settings.put("http.port", "0");
        RecordingRig rig = new RecordingRig(infra, settings);
        try {
            rig.indexer = Indexer.start(IndexerConfig.from(Settings.of(settings)), rig.metrics);
            EdgeConfig edgeConfig = EdgeConfig.from(Settings.of(settings));
            rig.edge = HttpService.start(
                    "127.0.0.1",
                    0,
                    new Router(new AccessControl(edgeConfig.access()))
                            .include(new Edge(edgeConfig, rig.indexer.index())));
            if (!rig.indexer.awaitRunning(Duration.ofSeconds(60))) {
                throw new IllegalStateException("indexer not running after 60 s");
            }
            return rig;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            rig.close();
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            rig.close();
            throw e;
        }
    }

    /** The settings every app reads (Kafka, S3, topics), as {@code key=value} pairs. */
    Map<String, String> settings() {
        return Map.copyOf(settings);
    }

    /** Starts the bridge pulling {@code cameras} ({@code app/stream} → RTSP URL). */
    void startBridge(Map<String, String> cameras) {
        Map<String, String> s = new LinkedHashMap<>(settings);
        cameras.forEach((id, url) -> s.put("camera." + id + ".url", url));
        bridge = IngestBridge.start(BridgeConfig.from(Settings.of(s)), metrics);
    }

    /** Stops the bridge: every camera's session ends. */
    void stopBridge() {
        if (bridge != null) {
            bridge.close();
            bridge = null;
        }
    }

    /** Starts a segmenter in this JVM. */
    void startSegmenter() {
        segmenter =
                io.kvr.segmenter.Segmenter.start(io.kvr.segmenter.SegmenterConfig.from(Settings.of(settings)), metrics);
    }

    /** Stops the S3 server; clients get connection errors until {@link #startS3()}. */
    void stopS3() {
        infra.stopS3();
    }

    /** Starts the S3 server again on the same port and data directory. */
    void startS3() {
        infra.startS3();
    }

    /** Where the S3 server keeps the bucket's objects (one file per object, key = relative path). */
    Path bucketDir() {
        return infra.bucketDir();
    }

    SegmentIndex index() {
        return indexer.index();
    }

    String edgeUrl() {
        return edge.baseUrl();
    }

    String kafkaBootstrap() {
        return infra.kafkaBootstrap();
    }

    @Override
    public void close() {
        closeQuietly(bridge);
        closeQuietly(segmenter);
        closeQuietly(edge);
        closeQuietly(indexer);
        closeQuietly(infra);
    }

    private static void closeQuietly(AutoCloseable part) {
        if (part == null) {
            return;
        }
        try {
            part.close();
        } catch (Exception e) {
            log.warn("closing {} failed: {}", part, e.toString());
        }
    }
}
