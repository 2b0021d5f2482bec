package io.kvr.indexer;

import io.kvr.index.HttpSegmentIndex;
import io.kvr.index.IndexRoutes;
import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.S3Settings;
import io.kvr.runtime.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Configuration of the indexer: Kafka pass-through, Streams application id, state directory, HTTP; for
 * retention the object storage it deletes from ({@code s3.*}; without {@code s3.endpoint} retention is off) and
 * how often it sweeps ({@code indexer.retention.interval}, default 30 s); and {@code applicationServer}: the
 * {@code host:port} of this instance's HTTP index routes that the other instances of the group forward queries to
 * (Kafka Streams {@code application.server}); empty for a single instance; the longest range one answer of
 * the HTTP index routes covers ({@code index.query.max.range}, default 7d; longer ranges are answered in pages);
 * and {@code indexApiKey} ({@code index.api.key}): the operator's API key it sends when it forwards a query to
 * another instance that requires access, or null.
 */
public record IndexerConfig(
        KafkaSettings kafka,
        String applicationId,
        Path stateDir,
        String httpHost,
        int httpPort,
        Optional<S3Settings> s3,
        Duration retentionInterval,
        String applicationServer,
        Duration queryMaxRange,
        String indexApiKey) {

    public static IndexerConfig from(Settings s) {
        IndexerConfig c = new IndexerConfig(
                KafkaSettings.from(s),
                s.string(
                        "indexer.application.id",
                        io.kvr.runtime.config.GroupIds.from(s).of("indexer")),
                Path.of(s.string("indexer.state.dir", "data/indexer")),
                s.string("http.host", "127.0.0.1"),
                s.integer("http.port", 8082, 0, 65535),
                s.string("s3.endpoint", "").isEmpty() ? Optional.empty() : Optional.of(S3Settings.from(s)),
                s.duration("indexer.retention.interval", Duration.ofSeconds(30)),
                s.string("indexer.application.server", ""),
                IndexRoutes.maxRange(s),
                HttpSegmentIndex.apiKey(s));
        if (c.retentionInterval.toMillis() < 100 || c.retentionInterval.toHours() > 24) {
            s.problem("indexer.retention.interval: must be between 100ms and 24h");
        }
        if (!c.applicationServer.isEmpty() && !c.applicationServer.matches("[^:/\\s]+:\\d{1,5}")) {
            s.problem("indexer.application.server: '" + c.applicationServer + "' must be host:port");
        }
        s.validate();
        return c;
    }

    @Override
    public String toString() {
        return "IndexerConfig[kafka=" + kafka + ", applicationId=" + applicationId + ", stateDir=" + stateDir
                + ", httpHost=" + httpHost + ", httpPort=" + httpPort + ", s3=" + s3 + ", retentionInterval="
                + retentionInterval + ", applicationServer=" + applicationServer + ", queryMaxRange=" + queryMaxRange
                + ", indexApiKey="
                + (indexApiKey == null ? "unset" : "******") + "]";
    }
}
