package io.kvr.runtime.kafka;

import io.kvr.runtime.config.TopicNames;
import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.CameraSource;
import io.kvr.schemas.ExportRequest;
import io.kvr.schemas.ExportStatus;
import io.kvr.schemas.RecordingPolicy;
import io.kvr.schemas.SegmentRecord;
import java.util.List;
import java.util.Map;

/**
 * The topics of kvr, typed by their keys and values, and the settings it creates them with (documented in
 * schemas/README.md). Names come from the settings ({@link TopicNames}), so each is built from them.
 */
public final class KvrTopics {
    /** 16 MiB: 4K keyframes can pass 1 MiB. */
    public static final int MEDIA_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    // immutable once built, and building one derives its schema: one of each for the process
    private static final AvroCodec<SegmentRecord> SEGMENT_RECORDS = new AvroCodec<>(SegmentRecord.class);
    private static final AvroCodec<CameraSource> CAMERA_SOURCES = new AvroCodec<>(CameraSource.class);
    private static final AvroCodec<RecordingPolicy> RECORDING_POLICIES = new AvroCodec<>(RecordingPolicy.class);
    private static final AvroCodec<ExportRequest> EXPORT_REQUESTS = new AvroCodec<>(ExportRequest.class);
    private static final AvroCodec<ExportStatus> EXPORT_STATUSES = new AvroCodec<>(ExportStatus.class);

    private KvrTopics() {}

    /**
     * The values of the segments topic, also how the index stores a segment and sends it between processes (the
     * same bytes as on the topic).
     */
    public static AvroCodec<SegmentRecord> segmentRecords() {
        return SEGMENT_RECORDS;
    }

    /** The values of the policies topic, as written; {@code PolicyRecords} turns them into policies. */
    public static AvroCodec<RecordingPolicy> recordingPolicies() {
        return RECORDING_POLICIES;
    }

    /**
     * Access units and StreamInfo, keyed by stream id. Kafka is the replay window, object storage the archive.
     * Values are bytes: the media topic's contract ({@code io.kvr.mediatopic.MediaRecords}) tells the record types
     * (and chunks of large units) apart.
     */
    public static Topic<String, byte[]> media(TopicNames names) {
        return new Topic<>(
                names.media(),
                names.partitions(),
                names.replicationFactor(),
                Map.of(
                        "cleanup.policy",
                        "delete",
                        "retention.ms",
                        String.valueOf(24L * 3600 * 1000),
                        "max.message.bytes",
                        String.valueOf(MEDIA_MAX_MESSAGE_BYTES),
                        "message.timestamp.type",
                        "CreateTime"),
                Codec.utf8(),
                Codec.bytes());
    }

    /** Segment announcements, keyed by stream id; kept forever here (the index is rebuilt from it). */
    public static Topic<String, SegmentRecord> segments(TopicNames names) {
        return new Topic<>(
                names.segments(),
                names.partitions(),
                names.replicationFactor(),
                Map.of(
                        "cleanup.policy", "delete",
                        "retention.ms", "-1",
                        "max.message.bytes", String.valueOf(4 * 1024 * 1024)),
                Codec.utf8(),
                SEGMENT_RECORDS);
    }

    /**
     * Cameras the bridges record, keyed by stream id: compacted, so reading it from the beginning gives the
     * current set. Its partitions are how bridge instances share the cameras (one consumer group member per
     * partition), so their number bounds how many instances share work. Never add partitions to it: a key
     * would then live in two partitions.
     */
    public static Topic<StreamName, CameraSource> sources(TopicNames names) {
        return new Topic<>(
                names.sources(),
                names.partitions(),
                names.replicationFactor(),
                Map.of(
                        "cleanup.policy",
                        "compact",
                        "min.compaction.lag.ms",
                        "0",
                        // a removed camera's tombstone is kept a day so every bridge sees it
                        "delete.retention.ms",
                        String.valueOf(24L * 3600 * 1000),
                        "max.message.bytes",
                        String.valueOf(1024 * 1024)),
                StreamIds.INSTANCE,
                CAMERA_SOURCES);
    }

    /**
     * Recording policies, keyed by application: compacted, read whole by every segmenter and indexer. Tiny, so
     * one partition.
     */
    public static Topic<String, RecordingPolicy> policies(TopicNames names) {
        return new Topic<>(
                names.policies(),
                1,
                names.replicationFactor(),
                Map.of(
                        "cleanup.policy",
                        "compact",
                        "min.compaction.lag.ms",
                        "0",
                        // a removed policy's tombstone is kept a day so every reader sees it
                        "delete.retention.ms",
                        String.valueOf(24L * 3600 * 1000),
                        "max.message.bytes",
                        String.valueOf(1024 * 1024)),
                Codec.utf8(),
                RECORDING_POLICIES);
    }

    /**
     * Export jobs ({@code kvr.export-requests.v1}), keyed by export id; exporter instances share them as one
     * consumer group. Kept a week: a job's offset is committed once its status is terminal.
     */
    public static Topic<String, ExportRequest> exportRequests(String name, TopicNames names) {
        return new Topic<>(
                name,
                names.partitions(),
                names.replicationFactor(),
                Map.of("cleanup.policy", "delete", "retention.ms", String.valueOf(7L * 24 * 3600 * 1000)),
                Codec.utf8(),
                EXPORT_REQUESTS);
    }

    /** Export job status ({@code kvr.export-status.v1}), keyed by export id, compacted: the latest per job. */
    public static Topic<String, ExportStatus> exportStatus(String name, TopicNames names) {
        return new Topic<>(
                name,
                1,
                names.replicationFactor(),
                Map.of(
                        "cleanup.policy", "compact",
                        "min.compaction.lag.ms", "0",
                        "delete.retention.ms", String.valueOf(24L * 3600 * 1000)),
                Codec.utf8(),
                EXPORT_STATUSES);
    }

    /** The topics every app creates at start (the exporter adds its own two). */
    public static List<Topic<?, ?>> all(TopicNames names) {
        return List.of(media(names), segments(names), sources(names), policies(names));
    }

    /** Stream ids ({@code app/stream}), the key of every per-stream topic; a bad id is an unreadable key. */
    private enum StreamIds implements Codec<StreamName> {
        INSTANCE;

        @Override
        public byte[] encode(StreamName value) {
            return Codec.utf8().encode(value.id());
        }

        @Override
        public StreamName decode(byte[] bytes) {
            return StreamName.parse(Codec.utf8().decode(bytes));
        }
    }
}
