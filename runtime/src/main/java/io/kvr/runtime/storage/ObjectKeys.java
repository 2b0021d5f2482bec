package io.kvr.runtime.storage;

import io.kvr.runtime.stream.StreamName;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Object key layout (as the Ti Top Streamer NVR API's recording tree: application, then stream, at the top):
 * <pre>
 *   {prefix}{app}/{stream}/{yyyy}/{MM}/{dd}/{HH}/{session}-{first unit sequence}.m4s   media segments, UTC hour of start
 *   {prefix}{app}/{stream}/init/{session}-{config hash}.mp4                            init segments
 * </pre>
 * Keys depend only on the access units, so a replay rebuilds a segment under the same key (an overwrite,
 * never a duplicate).
 */
public final class ObjectKeys {
    private static final DateTimeFormatter HOUR_DIR =
            DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(ZoneOffset.UTC);
    /** What may follow {@code {app}/{stream}/} in a key; anything else never reaches object storage. */
    private static final Pattern STREAM_RELATIVE =
            Pattern.compile("(\\d{4}/\\d{2}/\\d{2}/\\d{2}/[A-Za-z0-9_-]{1,80}\\.m4s)|(init/[A-Za-z0-9_-]{1,80}\\.mp4)");

    private final String prefix;

    public ObjectKeys(String prefix) {
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    public String streamDir(StreamName stream) {
        return prefix + stream.app() + "/" + stream.stream() + "/";
    }

    public String segment(StreamName stream, long startMs, String sessionId, long firstSequence) {
        return streamDir(stream) + HOUR_DIR.format(Instant.ofEpochMilli(startMs)) + "/" + sessionId + "-"
                + String.format("%010d", firstSequence) + ".m4s";
    }

    public String init(StreamName stream, String sessionId, String configHash) {
        return streamDir(stream) + "init/" + sessionId + "-" + configHash + ".mp4";
    }

    /** True when {@code relative} is a well-formed segment or init name below a stream directory. */
    public static boolean isStreamRelative(String relative) {
        return relative != null && STREAM_RELATIVE.matcher(relative).matches();
    }
}
