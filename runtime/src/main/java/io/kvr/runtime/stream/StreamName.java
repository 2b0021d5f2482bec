package io.kvr.runtime.stream;

import java.util.regex.Pattern;

/**
 * An application and stream name (as in the Ti Top Streamer NVR API: the first two levels of the recording tree).
 * Both are limited to {@code [A-Za-z0-9._-]}, 1–64 characters, and never {@code .} or {@code ..}, so they are safe in
 * object keys, URLs and file names. {@link #id()} ({@code app/stream}) is the Kafka key of every per-stream topic.
 */
public record StreamName(String app, String stream) {
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public StreamName {
        check("application", app);
        check("stream", stream);
    }

    public static StreamName parse(String id) {
        if (id == null) {
            throw new IllegalArgumentException("stream id is missing; expected app/stream");
        }
        int slash = id.indexOf('/');
        if (slash < 0 || slash != id.lastIndexOf('/')) {
            throw new IllegalArgumentException("stream id '" + printable(id) + "' must be app/stream");
        }
        return new StreamName(id.substring(0, slash), id.substring(slash + 1));
    }

    public static boolean isValidPart(String part) {
        return part != null && PART.matcher(part).matches() && !part.equals(".") && !part.equals("..");
    }

    private static void check(String what, String part) {
        if (!isValidPart(part)) {
            throw new IllegalArgumentException(what + " name '" + printable(part)
                    + "' must be 1-64 characters of A-Z a-z 0-9 . _ - (and not . or ..)");
        }
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(s.length(), 80); i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }

    public String id() {
        return app + "/" + stream;
    }

    @Override
    public String toString() {
        return id();
    }
}
