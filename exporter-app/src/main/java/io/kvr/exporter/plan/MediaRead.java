package io.kvr.exporter.plan;

/** {@code length} bytes of object {@code key} from {@code objectOffset}, which go to {@code fileOffset} of the export. */
public record MediaRead(String key, long objectOffset, long length, long fileOffset) {}
