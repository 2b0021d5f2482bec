package io.kvr.segmenter.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-stream resume offsets stored in a partition's commit metadata. The committed offset is the earliest offset
 * any stream on the partition still needs; streams that are further along note their own point here, so a replay
 * skips what they already stored instead of cutting it differently. Format: {@code v1;app/stream=delta;...}
 * with delta = resume offset - committed offset.
 */
final class ResumePoints {
    /** Kafka's default offset.metadata.max.bytes is 4096. */
    static final int MAX_LENGTH = 4000;

    private ResumePoints() {}

    static String encode(long committed, Map<String, Long> resume) {
        StringBuilder b = new StringBuilder("v1");
        for (var e : resume.entrySet()) {
            long delta = e.getValue() - committed;
            if (delta <= 0) {
                continue;
            }
            String entry = ";" + e.getKey() + "=" + delta;
            if (b.length() + entry.length() > MAX_LENGTH) {
                break;
            }
            b.append(entry);
        }
        return b.toString();
    }

    static Map<String, Long> decode(long committed, String metadata) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (metadata == null || !metadata.startsWith("v1")) {
            return out;
        }
        for (String entry : metadata.substring(2).split(";")) {
            int eq = entry.lastIndexOf('=');
            if (eq <= 0) {
                continue;
            }
            try {
                out.put(entry.substring(0, eq), committed + Long.parseLong(entry.substring(eq + 1)));
            } catch (NumberFormatException ignored) {
                // a damaged entry only costs a re-cut of that stream's open segment
            }
        }
        return out;
    }
}
