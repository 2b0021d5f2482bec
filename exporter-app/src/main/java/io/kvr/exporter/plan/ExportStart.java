package io.kvr.exporter.plan;

/**
 * What is known of an export once its first segment is planned, before the rest of the range is read: the file's
 * first bytes ({@code ftyp}), the capture time of the keyframe its media starts with, and where it starts showing.
 */
public record ExportStart(byte[] fileType, long firstFrameMs, long startMs) {}
