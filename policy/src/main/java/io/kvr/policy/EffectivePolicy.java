package io.kvr.policy;

/**
 * What applies to one stream after merging its override, its application's policy and the defaults.
 *
 * @param retentionMs 0: kept forever
 * @param keyPrefix prefix of the stream's object keys: {@code ""} or ending in {@code /}
 */
public record EffectivePolicy(boolean recording, long segmentDurationMs, long retentionMs, String keyPrefix) {
    /** The defaults alone. */
    public static EffectivePolicy of(PolicyDefaults defaults) {
        return new EffectivePolicy(true, defaults.segmentDurationMs(), 0, defaults.keyPrefix());
    }

    public boolean keepsForever() {
        return retentionMs <= 0;
    }
}
