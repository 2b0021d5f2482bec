package io.kvr.policy;

import java.util.Map;
import java.util.TreeMap;

/**
 * The recording policy of one application as stored: its settings and per-stream overrides (by stream name).
 * {@code updatedAtMs}/{@code updatedBy} say who wrote it last.
 */
public record AppPolicy(
        String app, PolicySettings settings, Map<String, PolicySettings> streams, long updatedAtMs, String updatedBy) {
    public AppPolicy {
        streams = java.util.Collections.unmodifiableMap(new TreeMap<>(streams));
    }

    /** Override over application over defaults, for one stream of this application. */
    public EffectivePolicy effective(String stream, PolicyDefaults defaults) {
        PolicySettings merged =
                streams.getOrDefault(stream, PolicySettings.INHERIT).over(settings);
        return merge(merged, defaults);
    }

    /** {@code settings} with the defaults where they inherit. */
    public static EffectivePolicy merge(PolicySettings settings, PolicyDefaults defaults) {
        String prefix = settings.storagePrefix() == null
                ? defaults.keyPrefix()
                : settings.storagePrefix().isEmpty() ? "" : settings.storagePrefix() + "/";
        return new EffectivePolicy(
                settings.recording() == null || settings.recording(),
                settings.segmentDurationMs() == null ? defaults.segmentDurationMs() : settings.segmentDurationMs(),
                settings.retentionMs() == null ? 0 : settings.retentionMs(),
                prefix);
    }
}
