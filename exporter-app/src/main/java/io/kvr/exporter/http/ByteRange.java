package io.kvr.exporter.http;

import io.kvr.runtime.http.HttpError;
import java.util.Optional;

/** One {@code Range: bytes=…} request (RFC 9110 14.1.2) resolved against a known size: {@code [first, last]}. */
record ByteRange(long first, long last) {

    long length() {
        return last - first + 1;
    }

    /** Empty when there is no Range header; 416 (via {@link HttpError}) when it cannot be satisfied. */
    static Optional<ByteRange> parse(String header, long size) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String h = header.trim();
        if (!h.startsWith("bytes=") || h.contains(",")) {
            throw HttpError.badRequest("unsupported Range header; use a single bytes=start-end range");
        }
        String spec = h.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            throw HttpError.badRequest("malformed Range header");
        }
        try {
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            long first;
            long last;
            if (a.isEmpty()) {
                long suffix = Long.parseLong(b);
                if (suffix <= 0) {
                    throw unsatisfiable(size);
                }
                first = Math.max(0, size - suffix);
                last = size - 1;
            } else {
                first = Long.parseLong(a);
                last = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
            }
            if (first < 0 || first >= size || last < first) {
                throw unsatisfiable(size);
            }
            return Optional.of(new ByteRange(first, last));
        } catch (NumberFormatException e) {
            throw HttpError.badRequest("malformed Range header");
        }
    }

    private static HttpError unsatisfiable(long size) {
        return new HttpError(416, "range not satisfiable; the file has " + size + " bytes");
    }
}
