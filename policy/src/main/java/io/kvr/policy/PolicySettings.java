package io.kvr.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One level of a recording policy: an application's settings or one stream's override. A null field inherits
 * (an application's from the installation's defaults, a stream's from its application).
 *
 * @param recording false: nothing of the stream is recorded
 * @param segmentDurationMs target segment duration, {@value #MIN_SEGMENT_DURATION_MS}–{@value #MAX_SEGMENT_DURATION_MS} ms
 * @param retentionMs segments whose end is older than this are deleted; 0 keeps them forever, otherwise at least
 *     {@value #MIN_RETENTION_MS} ms
 * @param storagePrefix object key prefix before {@code app/stream/}, normalized without leading or trailing slash;
 *     empty means none
 */
public record PolicySettings(Boolean recording, Long segmentDurationMs, Long retentionMs, String storagePrefix) {
    public static final PolicySettings INHERIT = new PolicySettings(null, null, null, null);
    public static final long MIN_SEGMENT_DURATION_MS = 1_000;
    public static final long MAX_SEGMENT_DURATION_MS = 10_000;
    /** Shorter retention would race the segmenter's upload of a segment against the deletion of its init segment. */
    public static final long MIN_RETENTION_MS = 30_000;

    public static final long MAX_RETENTION_MS = 100L * 366 * 24 * 3600 * 1000;
    public static final int MAX_PREFIX_LENGTH = 200;
    private static final Pattern PREFIX_PART = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** True when every field inherits. */
    public boolean inheritsAll() {
        return recording == null && segmentDurationMs == null && retentionMs == null && storagePrefix == null;
    }

    /** These settings where set, {@code base}'s elsewhere. */
    public PolicySettings over(PolicySettings base) {
        return new PolicySettings(
                recording != null ? recording : base.recording,
                segmentDurationMs != null ? segmentDurationMs : base.segmentDurationMs,
                retentionMs != null ? retentionMs : base.retentionMs,
                storagePrefix != null ? storagePrefix : base.storagePrefix);
    }

    /** What is wrong with the set fields, each problem starting with {@code where} (e.g. {@code streams.door.}). */
    public List<String> problems(String where) {
        List<String> out = new ArrayList<>();
        if (segmentDurationMs != null
                && (segmentDurationMs < MIN_SEGMENT_DURATION_MS || segmentDurationMs > MAX_SEGMENT_DURATION_MS)) {
            out.add(where + "segment_duration_ms: " + segmentDurationMs + " is outside " + MIN_SEGMENT_DURATION_MS
                    + ".." + MAX_SEGMENT_DURATION_MS);
        }
        if (retentionMs != null
                && retentionMs != 0
                && (retentionMs < MIN_RETENTION_MS || retentionMs > MAX_RETENTION_MS)) {
            out.add(where + "retention_ms: " + retentionMs + " must be 0 (keep forever) or " + MIN_RETENTION_MS + ".."
                    + MAX_RETENTION_MS);
        }
        if (storagePrefix != null) {
            String problem = prefixProblem(storagePrefix);
            if (problem != null) {
                out.add(where + "storage_prefix: " + problem);
            }
        }
        return out;
    }

    /** Strips leading and trailing slashes, so {@code /archive/site-a/} is stored as {@code archive/site-a}. */
    public static String normalizePrefix(String prefix) {
        int from = 0;
        int to = prefix.length();
        while (from < to && prefix.charAt(from) == '/') {
            from++;
        }
        while (to > from && prefix.charAt(to - 1) == '/') {
            to--;
        }
        return prefix.substring(from, to);
    }

    /** Why a normalized prefix is unusable in object keys and URLs, or null when it is fine. */
    public static String prefixProblem(String normalized) {
        if (normalized.isEmpty()) {
            return null;
        }
        if (normalized.length() > MAX_PREFIX_LENGTH) {
            return "longer than " + MAX_PREFIX_LENGTH + " characters";
        }
        for (String part : normalized.split("/", -1)) {
            if (!PREFIX_PART.matcher(part).matches() || part.equals(".") || part.equals("..")) {
                return "must be parts of 1-64 characters of A-Z a-z 0-9 . _ - separated by / (no . or .. parts)";
            }
        }
        return null;
    }
}
