package io.kvr.runtime.config;

/**
 * Names of kvr's topics. A prefix lets several installations share one cluster.
 * Partition counts apply only when kvr creates a missing topic.
 */
public record TopicNames(
        String media, String segments, String sources, int partitions, short replicationFactor, String policies) {

    /** Media and segments topics with the default sources topic name. */
    public TopicNames(String media, String segments, int partitions, short replicationFactor) {
        this(media, segments, "kvr.sources.v1", partitions, replicationFactor);
    }

    /** With the default policies topic name. */
    public TopicNames(String media, String segments, String sources, int partitions, short replicationFactor) {
        this(media, segments, sources, partitions, replicationFactor, "kvr.policies.v1");
    }

    public static TopicNames from(Settings s) {
        String prefix = prefix(s);
        return new TopicNames(
                s.string("topics.media", prefix + "media.v1"),
                s.string("topics.segments", prefix + "segments.v1"),
                s.string("topics.sources", prefix + "sources.v1"),
                s.integer("topics.partitions", 6, 1, 10_000),
                (short) s.integer("topics.replication.factor", -1, -1, 32),
                s.string("topics.policies", prefix + "policies.v1"));
    }

    /** The export jobs topic, {@code topics.export.requests} (only the exporter and {@code kvr topics} use it). */
    public static String exportRequests(Settings s) {
        return s.string("topics.export.requests", prefix(s) + "export-requests.v1");
    }

    /** The export status topic, {@code topics.export.status}. */
    public static String exportStatus(Settings s) {
        return s.string("topics.export.status", prefix(s) + "export-status.v1");
    }

    private static String prefix(Settings s) {
        return s.string("topics.prefix", "kvr.");
    }
}
