package io.kvr.exporter;

import io.kvr.runtime.config.GroupIds;
import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.S3Settings;
import io.kvr.runtime.config.Secrets;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.config.TopicNames;
import java.net.URI;
import java.time.Duration;

/**
 * Configuration of the exporter: Kafka pass-through, object storage, HTTP; where the index is when it runs alone
 * ({@code exporter.index.url}, default {@code http://127.0.0.1:8082/}); the longest export
 * ({@code exporter.range.max}, default 24h); how many object reads run ahead of the writer
 * ({@code exporter.read.ahead}, default 4); the job topics ({@code topics.export.requests}, default
 * {@code kvr.export-requests.v1}; {@code topics.export.status}, default {@code kvr.export-status.v1}); the consumer
 * group exporter instances share jobs in ({@code exporter.group.id}, default {@code kvr-exporter}); where finished
 * files go ({@code exporter.exports.prefix}, default {@code s3.prefix + "exports/"}) and how long they are kept
 * ({@code exporter.exports.retention}, default 7d); a cap on each export's speed in bytes per second
 * ({@code exporter.rate.limit}, default 0: none); the longest direct download planned whole before its first
 * byte and sent with its length ({@code exporter.download.sized.max}, default 20m; longer ones start at once,
 * chunked); how many exports (direct downloads and running jobs) one instance runs at once
 * ({@code exporter.concurrent.max}, default 4; a download beyond it is refused with 503, a job waits) and how many
 * jobs may wait to run ({@code exporter.queue.max}, default 100; a submission beyond it is refused with 429).
 */
public record ExporterConfig(
        KafkaSettings kafka,
        S3Settings s3,
        String httpHost,
        int httpPort,
        URI indexUrl,
        long maxRangeMs,
        int readAhead,
        String requestsTopic,
        String statusTopic,
        String groupId,
        String exportsPrefix,
        Duration retention,
        long bytesPerSecond,
        long sizedDownloadMaxMs,
        int concurrentMax,
        int queueMax) {
    public static ExporterConfig from(Settings s) {
        S3Settings s3 = S3Settings.from(s);
        ExporterConfig c = new ExporterConfig(
                KafkaSettings.from(s),
                s3,
                s.string("http.host", "127.0.0.1"),
                s.integer("http.port", 8084, 0, 65535),
                URI.create(s.string("exporter.index.url", "http://127.0.0.1:8082/")),
                s.duration("exporter.range.max", Duration.ofHours(24)).toMillis(),
                s.integer("exporter.read.ahead", 4, 1, 64),
                TopicNames.exportRequests(s),
                TopicNames.exportStatus(s),
                s.string("exporter.group.id", GroupIds.from(s).of("exporter")),
                s.string("exporter.exports.prefix", s3.prefix() + "exports/"),
                s.duration("exporter.exports.retention", Duration.ofDays(7)),
                s.longValue("exporter.rate.limit", 0, 0, Long.MAX_VALUE),
                s.duration("exporter.download.sized.max", Duration.ofMinutes(20))
                        .toMillis(),
                s.integer("exporter.concurrent.max", 4, 1, 1024),
                s.integer("exporter.queue.max", 100, 1, 1_000_000));
        s.validate();
        return c;
    }

    /** URLs redacted, secret settings hidden. */
    @Override
    public String toString() {
        return Secrets.redactedToString(this);
    }
}
