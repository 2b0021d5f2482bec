package io.kvr.runtime.kafka;

import io.kvr.runtime.config.TopicNames;
import java.util.List;
import java.util.Map;

/** The topics of kvr and the settings it creates them with (documented in schemas/README.md). */
public final class KvrTopics {
    /** 16 MiB: 4K keyframes can pass 1 MiB. */
    public static final int MEDIA_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private KvrTopics() {
    }

    /** Access units and StreamInfo, keyed by stream id. Kafka is the replay window, object storage the archive. */
    public static Topic media(TopicNames names) {
        return new Topic(names.media(), names.partitions(), names.replicationFactor(), Map.of(
                "cleanup.policy", "delete",
                "retention.ms", String.valueOf(24L * 3600 * 1000),
                "max.message.bytes", String.valueOf(MEDIA_MAX_MESSAGE_BYTES),
                "message.timestamp.type", "CreateTime"));
    }

    /** Segment announcements, keyed by stream id; kept forever here (the index is rebuilt from it). */
    public static Topic segments(TopicNames names) {
        return new Topic(names.segments(), names.partitions(), names.replicationFactor(), Map.of(
                "cleanup.policy", "delete",
                "retention.ms", "-1",
                "max.message.bytes", String.valueOf(4 * 1024 * 1024)));
    }

    /**
     * Cameras the bridges record, keyed by stream id: compacted, so reading it from the beginning gives the
     * current set. Its partitions are how bridge instances share the cameras (one consumer group member per
     * partition), so their number bounds how many instances share work. Never add partitions to it: a key
     * would then live in two partitions.
     */
    public static Topic sources(TopicNames names) {
        return new Topic(names.sources(), names.partitions(), names.replicationFactor(), Map.of(
                "cleanup.policy", "compact",
                "min.compaction.lag.ms", "0",
                // a removed camera's tombstone is kept a day so every bridge sees it
                "delete.retention.ms", String.valueOf(24L * 3600 * 1000),
                "max.message.bytes", String.valueOf(1024 * 1024)));
    }

    /**
     * Recording policies, keyed by application: compacted, read whole by every segmenter and indexer. Tiny, so
     * one partition.
     */
    public static Topic policies(TopicNames names) {
        return new Topic(names.policies(), 1, names.replicationFactor(), Map.of(
                "cleanup.policy", "compact",
                "min.compaction.lag.ms", "0",
                // a removed policy's tombstone is kept a day so every reader sees it
                "delete.retention.ms", String.valueOf(24L * 3600 * 1000),
                "max.message.bytes", String.valueOf(1024 * 1024)));
    }

    /**
     * Export jobs ({@code kvr.export-requests.v1}), keyed by export id; exporter instances share them as one
     * consumer group. Kept a week: a job's offset is committed once its status is terminal.
     */
    public static Topic exportRequests(String name, TopicNames names) {
        return new Topic(name, names.partitions(), names.replicationFactor(), Map.of(
                "cleanup.policy", "delete",
                "retention.ms", String.valueOf(7L * 24 * 3600 * 1000)));
    }

    /** Export job status ({@code kvr.export-status.v1}), keyed by export id, compacted: the latest per job. */
    public static Topic exportStatus(String name, TopicNames names) {
        return new Topic(name, 1, names.replicationFactor(), Map.of(
                "cleanup.policy", "compact",
                "min.compaction.lag.ms", "0",
                "delete.retention.ms", String.valueOf(24L * 3600 * 1000)));
    }

    public static List<Topic> all(TopicNames names) {
        return List.of(media(names), segments(names), sources(names), policies(names));
    }
}
