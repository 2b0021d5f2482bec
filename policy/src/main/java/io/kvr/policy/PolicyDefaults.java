package io.kvr.policy;

/**
 * What applies where no policy says otherwise: recording on, forever kept, and the segmenter's configured
 * segment duration and key prefix ({@code ""} or ending in {@code /}, as {@code s3.prefix}).
 */
public record PolicyDefaults(long segmentDurationMs, String keyPrefix) {}
