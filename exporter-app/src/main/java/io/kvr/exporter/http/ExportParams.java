package io.kvr.exporter.http;

import io.kvr.exporter.plan.ExportFormat;
import io.kvr.exporter.plan.ExportRange;
import io.kvr.http.HttpError;
import io.kvr.http.Millis;
import io.kvr.runtime.stream.StreamName;

/**
 * Validation shared by direct downloads and jobs: the Ti Top Streamer NVR API's fields ({@code start_time},
 * {@code end_time} or {@code duration}, unix ms; {@code end_time} wins when both are given) and {@code file_name}.
 */
final class ExportParams {
    static final int MAX_FILE_NAME = 200;

    private ExportParams() {}

    static StreamName stream(String app, String stream) {
        if (app == null || app.isEmpty()) {
            throw HttpError.badRequest("app_name is missing");
        }
        if (stream == null || stream.isEmpty()) {
            throw HttpError.badRequest("stream_name is missing");
        }
        try {
            return new StreamName(app, stream);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    /** {@code format}: {@code mp4} (progressive, the default) or {@code fmp4} (fragmented). */
    static ExportFormat format(String value) {
        if (value == null) {
            return ExportFormat.MP4;
        }
        try {
            return ExportFormat.parse(value);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    /**
     * The range from raw field values (strings of digits); {@code maxMs} bounds its length. Times are within
     * {@code 0 … }{@link Millis#LATEST} (year 9999).
     */
    static ExportRange range(
            StreamName stream,
            String start,
            String end,
            String duration,
            boolean precise,
            ExportFormat format,
            long maxMs) {
        long startMs = Millis.parse("start_time", start);
        long endMs;
        if (end != null) {
            endMs = Millis.parse("end_time", end);
        } else if (duration != null) {
            long d = Millis.parse("duration", duration);
            if (d <= 0) {
                throw HttpError.badRequest("duration must be more than 0 ms");
            }
            if (d > maxMs) {
                throw HttpError.badRequest(
                        "duration of " + d + " ms is longer than the maximum of " + maxMs + " ms (exporter.range.max)");
            }
            endMs = Millis.end(startMs, d, "start_time + duration");
        } else {
            throw HttpError.badRequest("end_time or duration is required");
        }
        if (endMs <= startMs) {
            throw HttpError.badRequest("end_time (" + endMs + ") must be after start_time (" + startMs + ")");
        }
        if (endMs - startMs > maxMs) {
            throw HttpError.badRequest("range of " + (endMs - startMs) + " ms is longer than the maximum of " + maxMs
                    + " ms (exporter.range.max)");
        }
        return new ExportRange(stream, startMs, endMs, precise, format);
    }

    static boolean flag(String field, String value, boolean otherwise) {
        if (value == null || value.isEmpty()) {
            return otherwise;
        }
        return switch (value) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw HttpError.badRequest(field + " must be true or false");
        };
    }

    /** A user's file name: no path separators, no control characters, at most 200 characters. */
    static String fileName(String name) {
        if (name == null) {
            return null;
        }
        if (name.isBlank()) {
            throw HttpError.badRequest("file_name is empty");
        }
        if (name.length() > MAX_FILE_NAME) {
            throw HttpError.badRequest("file_name is longer than " + MAX_FILE_NAME + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\') {
                throw HttpError.badRequest("file_name must not contain path separators");
            }
            if (Character.isISOControl(c)) {
                throw HttpError.badRequest("file_name must not contain control characters");
            }
        }
        if (name.equals(".") || name.equals("..")) {
            throw HttpError.badRequest("file_name must be a file name");
        }
        return name;
    }

    /** The default name: {@code <app>_<stream>_<start>_<end>.mp4}. */
    static String defaultFileName(ExportRange r) {
        return r.stream().app() + "_" + r.stream().stream() + "_" + r.startMs() + "_" + r.endMs() + ".mp4";
    }

    /** {@code Content-Disposition} with an ASCII fallback and the UTF-8 name (RFC 6266). */
    static String contentDisposition(String name) {
        StringBuilder ascii = new StringBuilder();
        for (char c : name.toCharArray()) {
            ascii.append(c < 0x20 || c > 0x7e || c == '"' || c == '\\' ? '_' : c);
        }
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''"
                + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)
                        .replace("+", "%20");
    }
}
