package io.kvr.exporter;

import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.S3Settings;
import io.kvr.runtime.config.Settings;
import java.net.URI;
import java.time.Duration;

/**
 * Configuration of the exporter: Kafka pass-through, object storage, HTTP; where the index is when it runs alone
 * ({@code exporter.index.url}, default {@code http://127.0.0.1:8082/}); the longest export
 * ({@code exporter.range.max}, default 24h); how many object reads run ahead of the client
 * ({@code exporter.read.ahead}, default 4).
 */
public record ExporterConfig(KafkaSettings kafka, S3Settings s3, String httpHost, int httpPort, URI indexUrl,
                             long maxRangeMs, int readAhead) {
    public static ExporterConfig from(Settings s) {
        ExporterConfig c = new ExporterConfig(KafkaSettings.from(s), S3Settings.from(s),
                s.string("http.host", "127.0.0.1"), s.integer("http.port", 8084, 0, 65535),
                URI.create(s.string("exporter.index.url", "http://127.0.0.1:8082/")),
                s.duration("exporter.range.max", Duration.ofHours(24)).toMillis(),
                s.integer("exporter.read.ahead", 4, 1, 64));
        s.validate();
        return c;
    }
}
