package io.kvr.exporter;

import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.S3Settings;
import io.kvr.runtime.config.Settings;

/** Configuration of the exporter: Kafka pass-through, object storage, HTTP. */
public record ExporterConfig(KafkaSettings kafka, S3Settings s3, String httpHost, int httpPort) {
    public static ExporterConfig from(Settings s) {
        ExporterConfig c = new ExporterConfig(KafkaSettings.from(s), S3Settings.from(s),
                s.string("http.host", "127.0.0.1"), s.integer("http.port", 8084, 0, 65535));
        s.validate();
        return c;
    }
}
