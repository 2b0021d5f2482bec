package io.kvr.runtime.config;

/**
 * Consumer group ids and the Kafka Streams application id, derived from {@code topics.prefix} so several kvr
 * installations on one cluster never share a group: prefix {@code kvr.} (the default) gives
 * {@code kvr-segmenter}, {@code site1.kvr.} gives {@code site1.kvr-segmenter}. The indexer's changelog topics
 * ({@code <application id>-<store>-changelog}) follow from its application id.
 */
public record GroupIds(String base) {

    public static GroupIds from(Settings s) {
        return ofPrefix(s.string("topics.prefix", "kvr."));
    }

    public static GroupIds ofPrefix(String topicPrefix) {
        String base = topicPrefix.replaceAll("[._-]+$", "");
        return new GroupIds(base.isEmpty() ? "kvr" : base);
    }

    /** {@code <base>-<role>}, e.g. {@code kvr-ingest-bridge}. */
    public String of(String role) {
        return base + "-" + role;
    }
}
