package io.kvr.indexer;

import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.Settings;
import java.nio.file.Path;

/**
 * Configuration of the indexer: Kafka pass-through, Streams application id, state directory, HTTP, and
 * {@code applicationServer}: the {@code host:port} of this instance's HTTP index routes that the other instances
 * of the group forward queries to (Kafka Streams {@code application.server}); empty for a single instance.
 */
public record IndexerConfig(KafkaSettings kafka, String applicationId, Path stateDir, String httpHost,
                            int httpPort, String applicationServer) {
    public IndexerConfig(KafkaSettings kafka, String applicationId, Path stateDir, String httpHost, int httpPort) {
        this(kafka, applicationId, stateDir, httpHost, httpPort, "");
    }

    public static IndexerConfig from(Settings s) {
        IndexerConfig c = new IndexerConfig(KafkaSettings.from(s),
                s.string("indexer.application.id", "kvr-indexer"),
                Path.of(s.string("indexer.state.dir", "data/indexer")),
                s.string("http.host", "127.0.0.1"),
                s.integer("http.port", 8082, 0, 65535),
                s.string("indexer.application.server", ""));
        if (!c.applicationServer.isEmpty() && !c.applicationServer.matches("[^:/\\s]+:\\d{1,5}")) {
            s.problem("indexer.application.server: '" + c.applicationServer + "' must be host:port");
        }
        s.validate();
        return c;
    }
}
