package io.kvr.indexer;

import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.Settings;
import java.nio.file.Path;

/** Configuration of the indexer: Kafka pass-through, Streams application id, state directory, HTTP. */
public record IndexerConfig(KafkaSettings kafka, String applicationId, Path stateDir, String httpHost,
                            int httpPort) {
    public static IndexerConfig from(Settings s) {
        IndexerConfig c = new IndexerConfig(KafkaSettings.from(s),
                s.string("indexer.application.id", "kvr-indexer"),
                Path.of(s.string("indexer.state.dir", "data/indexer")),
                s.string("http.host", "127.0.0.1"),
                s.integer("http.port", 8082, 0, 65535));
        s.validate();
        return c;
    }
}
