package io.kvr.edge.http;

import io.kvr.http.HttpError;
import io.kvr.http.Millis;
import io.kvr.http.Request;
import java.util.Optional;

/**
 * A {@code [start, end)} range of wall-clock milliseconds from the query parameters {@code start_time} and
 * {@code end_time} or {@code duration} (as in the Ti Top Streamer NVR API: unix milliseconds; {@code end_time} wins
 * when both are given).
 * Every malformed range is a 400 with a reason.
 */
public record TimeRange(long start, long end) {
    public long duration() {
        return end - start;
    }

    /**
     * Parses the range; a missing {@code start_time} or end becomes the given default (null: required).
     * {@code maxMs} bounds the length. Times are within {@code 0 … }{@link Millis#LATEST} (year 9999).
     */
    public static TimeRange parse(Request req, Long defaultStart, Long defaultEnd, long maxMs) {
        Optional<Long> start = number(req, "start_time");
        Optional<Long> end = number(req, "end_time");
        Optional<Long> duration = number(req, "duration");
        long s = start.or(() -> Optional.ofNullable(defaultStart))
                .orElseThrow(() -> HttpError.badRequest("start_time is required (unix milliseconds)"));
        long e;
        if (end.isPresent()) {
            e = end.get();
        } else if (duration.isPresent()) {
            if (duration.get() <= 0) {
                throw HttpError.badRequest("duration must be positive");
            }
            if (duration.get() > maxMs) {
                throw HttpError.badRequest("duration is longer than the maximum of " + maxMs + " ms");
            }
            e = Millis.end(s, duration.get(), "start_time + duration");
        } else if (defaultEnd != null) {
            e = defaultEnd;
        } else {
            throw HttpError.badRequest("end_time or duration is required (unix milliseconds)");
        }
        if (e < s) {
            throw HttpError.badRequest("end_time is before start_time");
        }
        if (e == s) {
            throw HttpError.badRequest("the range is empty: end_time equals start_time");
        }
        if (e - s > maxMs) {
            throw HttpError.badRequest("the range is longer than the maximum of " + maxMs + " ms");
        }
        return new TimeRange(s, e);
    }

    private static Optional<Long> number(Request req, String name) {
        // no trim(): it would also drop control characters, and a padded number is as malformed as a word
        return req.queryParam(name).map(v -> Millis.parse(name, v));
    }
}
