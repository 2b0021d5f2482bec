package io.kvr.segmenter;

import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.S3Settings;
import io.kvr.runtime.config.Settings;

/** Configuration of the segmenter: Kafka pass-through, object storage, target segment duration. */
public record SegmenterConfig(
        KafkaSettings kafka, S3Settings s3, String groupId, long targetDurationMs, String httpHost, int httpPort) {
    public static SegmenterConfig from(Settings s) {
        SegmenterConfig c = new SegmenterConfig(
                KafkaSettings.from(s),
                S3Settings.from(s),
                s.string(
                        "segmenter.group.id",
                        io.kvr.runtime.config.GroupIds.from(s).of("segmenter")),
                s.duration("segmenter.target.duration", java.time.Duration.ofSeconds(2))
                        .toMillis(),
                s.string("http.host", "127.0.0.1"),
                s.integer("http.port", 8083, 0, 65535));
        if (c.targetDurationMs < 1000 || c.targetDurationMs > 10_000) {
            s.problem("segmenter.target.duration: must be between 1s and 10s");
        }
        s.validate();
        return c;
    }
}
