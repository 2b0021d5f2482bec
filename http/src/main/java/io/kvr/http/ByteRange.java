package io.kvr.http;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range of a {@code Range} request (RFC 9110 §14.2) resolved against a representation of {@code size}
 * bytes: {@code first} to {@code last}, both inclusive (§14.1.2). Only the {@code bytes} unit and a single range
 * are served; anything else is a 400, so a client learns at once that it gets no multipart answer.
 */
public record ByteRange(long first, long last) {
    private static final String UNSUPPORTED = "unsupported Range header; use a single bytes=start-end range";
    /** int-range ({@code first-[last]}) or suffix-range ({@code -length}), digits only (§14.1.2). */
    private static final Pattern SPEC = Pattern.compile("(\\d*)-(\\d*)");

    public ByteRange {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("not a byte range: " + first + "-" + last);
        }
    }

    public long length() {
        return last - first + 1;
    }

    /** The {@code Content-Range} of a 206 answer (§14.4): {@code bytes first-last/size}. */
    public String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    /** The {@code Content-Range} of a 416 answer (§15.5.17): {@code bytes *}{@code /size}. */
    public static String unsatisfiedContentRange(long size) {
        return "bytes */" + size;
    }

    /**
     * The range a {@code Range} header asks for, for answers that refuse with an error body: empty without a
     * header (the whole representation), a 416 {@link HttpError} when no byte of it exists.
     *
     * @throws HttpError 400 when the header is malformed or asks for several ranges, 416 when unsatisfiable
     */
    public static Optional<ByteRange> requested(String header, long size) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(satisfiable(header, size)
                .orElseThrow(() -> new HttpError(416, "range not satisfiable; the file has " + size + " bytes")));
    }

    /**
     * The part of {@code size} bytes that a present {@code Range} header asks for; empty when none of it exists
     * (a first byte at or after the end, a zero-length suffix, or an empty representation).
     *
     * @throws HttpError 400 when the header is malformed or asks for several ranges
     */
    public static Optional<ByteRange> satisfiable(String header, long size) {
        String h = header.trim();
        if (!h.startsWith("bytes=") || h.indexOf(',') >= 0) {
            throw HttpError.badRequest(UNSUPPORTED);
        }
        // whitespace around the one element of the range set is allowed by the list syntax (§5.6.1)
        Matcher m = SPEC.matcher(h.substring("bytes=".length()).trim());
        if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
            throw HttpError.badRequest("malformed Range header");
        }
        try {
            long first;
            long last;
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                first = Math.max(0, size - suffix);
                last = suffix == 0 ? -1 : size - 1;
            } else {
                first = Long.parseLong(m.group(1));
                last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            }
            return first < size && first <= last ? Optional.of(new ByteRange(first, last)) : Optional.empty();
        } catch (NumberFormatException e) {
            throw HttpError.badRequest("Range numbers too large");
        }
    }
}
