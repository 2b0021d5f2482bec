package io.kvr.launcher;

import io.kvr.bridge.BridgeConfig;
import io.kvr.bridge.IngestBridge;
import io.kvr.edge.Edge;
import io.kvr.edge.EdgeConfig;
import io.kvr.embedded.kafka.EmbeddedKafka;
import io.kvr.embedded.s3.EmbeddedS3;
import io.kvr.exporter.Exporter;
import io.kvr.exporter.ExporterConfig;
import io.kvr.http.HttpService;
import io.kvr.http.HttpSettings;
import io.kvr.http.OpsRoutes;
import io.kvr.http.Router;
import io.kvr.http.access.AccessControl;
import io.kvr.index.SegmentIndex;
import io.kvr.indexer.Indexer;
import io.kvr.indexer.IndexerConfig;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.lifecycle.Lifecycle;
import io.kvr.runtime.metrics.Metrics;
import io.kvr.segmenter.Segmenter;
import io.kvr.segmenter.SegmenterConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything in one process: embedded Kafka and S3 under the data directory, then indexer, segmenter, bridge
 * and edge, wired with the same configuration keys the apps read when they run alone. The edge asks the
 * indexer in-process; the HTTP server carries the edge, camera, policy, index, export and ops routes, each with
 * the role it needs ({@code access.*}).
 */
public final class KvrServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KvrServer.class);
    private static final String HOST = "127.0.0.1";

    private final Lifecycle life;
    private final HttpService http;
    private final List<Router.Endpoint> endpoints;
    private final IngestBridge bridge;
    private final SegmentIndex index;
    private final String kafkaBootstrap;
    private final String s3Endpoint;
    private final Settings settings;

    private KvrServer(
            Lifecycle life,
            HttpService http,
            List<Router.Endpoint> endpoints,
            IngestBridge bridge,
            SegmentIndex index,
            String kafkaBootstrap,
            String s3Endpoint,
            Settings settings) {
        this.life = life;
        this.http = http;
        this.endpoints = endpoints;
        this.bridge = bridge;
        this.index = index;
        this.kafkaBootstrap = kafkaBootstrap;
        this.s3Endpoint = s3Endpoint;
        this.settings = settings;
    }

    /** Starts everything; {@code cameras} maps {@code app/stream} to URL. Fails cleanly, stopping what started. */
    public static KvrServer start(KvrOptions options, Map<String, String> cameras) {
        Lifecycle life = new Lifecycle("kvr");
        try {
            Path data = options.dataDir().toAbsolutePath();
            Files.createDirectories(data);
            EmbeddedKafka kafka = life.own(
                    "kafka",
                    EmbeddedKafka.start(EmbeddedKafka.Config.of(data.resolve("kafka"))
                            .withPort(available(options.kafkaPort(), "Kafka"))));
            EmbeddedS3 s3 = life.own(
                    "s3",
                    EmbeddedS3.start(EmbeddedS3.Config.of(data.resolve("s3"), "kvr", "kvr-embedded-secret")
                            .withPort(available(options.s3Port(), "S3"))));

            Map<String, String> base = new LinkedHashMap<>();
            base.put("kafka.bootstrap.servers", kafka.bootstrapServers());
            base.put("s3.endpoint", s3.endpoint());
            base.put("s3.access.key", s3.accessKey());
            base.put("s3.secret.key", s3.secretKey());
            base.put("indexer.state.dir", data.resolve("indexer").toString());
            // the embedded broker has one node
            base.put("topics.replication.factor", "1");
            base.put("http.host", options.httpHost());
            base.put("http.port", Integer.toString(options.httpPort()));
            cameras.forEach((id, url) -> base.put("camera." + id + ".url", url));
            Map<String, String> env = new LinkedHashMap<>(System.getenv());
            env.remove("KVR_CONFIG");
            Map<String, String> overrides = new LinkedHashMap<>(options.settings());
            Settings settings = Settings.load(base, options.configFile(), env, overrides);

            PrometheusMeterRegistry metrics = Metrics.prometheus("kvr");
            Indexer indexer = life.own("indexer", Indexer.start(IndexerConfig.from(settings), metrics));
            Segmenter segmenter = life.own("segmenter", Segmenter.start(SegmenterConfig.from(settings), metrics));
            IngestBridge bridge = life.own("bridge", IngestBridge.start(BridgeConfig.from(settings), metrics));
            Exporter exporter =
                    life.own("exporter", Exporter.start(ExporterConfig.from(settings), indexer.index(), metrics));
            EdgeConfig edgeConfig = EdgeConfig.from(settings);
            Router router = new Router(new AccessControl(edgeConfig.access()))
                    .include(new OpsRoutes(
                            metrics,
                            Map.of(
                                    "index",
                                    indexer::running,
                                    "segmenter",
                                    segmenter::alive,
                                    "cameras",
                                    bridge::healthy,
                                    "exports",
                                    exporter::alive)))
                    .include(bridge.routes())
                    .include(segmenter.routes())
                    .include(indexer.routes())
                    .include(exporter)
                    .include(new Edge(edgeConfig, indexer.index()));
            HttpService http =
                    life.own("http", HttpService.start(HttpSettings.from(settings, edgeConfig.httpPort()), router));
            if (!indexer.awaitRunning(Duration.ofSeconds(60))) {
                log.warn("index not yet restored after 60 s; playlists answer 503 until it is");
            }
            return new KvrServer(
                    life,
                    http,
                    router.endpoints(),
                    bridge,
                    indexer.index(),
                    kafka.bootstrapServers(),
                    s3.endpoint(),
                    settings);
        } catch (IOException e) {
            life.close();
            throw new IllegalStateException(
                    "cannot use data directory " + options.dataDir() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            life.close();
            throw new IllegalStateException("interrupted while starting", e);
        } catch (RuntimeException e) {
            life.close();
            throw e;
        }
    }

    /** {@code port} when it is free on 127.0.0.1 (or 0); otherwise any free port, with a warning. */
    private static int available(int port, String what) {
        if (port == 0) {
            return 0;
        }
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
            s.setReuseAddress(true);
            return port;
        } catch (IOException e) {
            log.warn("port {} for embedded {} is in use; using a free port instead", port, what);
            return 0;
        }
    }

    public String baseUrl() {
        return http.baseUrl();
    }

    public int httpPort() {
        return http.port();
    }

    /** Every route the HTTP server carries, with the role it needs. */
    public List<Router.Endpoint> endpoints() {
        return endpoints;
    }

    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    public String s3Endpoint() {
        return s3Endpoint;
    }

    /** The settings every part was started with: defaults, then the config file, environment and command line. */
    public Settings settings() {
        return settings;
    }

    public IngestBridge bridge() {
        return bridge;
    }

    public SegmentIndex index() {
        return index;
    }

    public Lifecycle lifecycle() {
        return life;
    }

    @Override
    public void close() {
        life.close();
    }
}
