package io.kvr.index;

/** What the index knows of one stream. */
public record StreamSummary(
        String streamId,
        long firstStartMs,
        long lastEndMs,
        long segments,
        String codecs,
        int width,
        int height,
        String lastIngestSessionId) {}
