package io.kvr.runtime.storage;

/** Size and ETag of a stored object. */
public record ObjectInfo(String key, long size, String etag) {}
