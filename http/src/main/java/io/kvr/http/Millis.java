package io.kvr.http;

/**
 * Unix milliseconds and durations as requests give them (query parameters, JSON fields): bounded to
 * {@code 0 … }{@link #LATEST}, so sums and differences of two of them can never overflow a {@code long}. Anything
 * else is a 400 naming the field.
 */
public final class Millis {
    /** 9999-12-31T23:59:59.999Z: the latest time a request may name. */
    public static final long LATEST = 253_402_300_799_999L;

    private static final int MAX_DIGITS = Long.toString(LATEST).length();

    private Millis() {}

    /** Digits only (no sign, space, exponent or hex), at most {@link #LATEST}. */
    public static long parse(String field, String value) {
        if (value == null) {
            throw HttpError.badRequest(field + " is missing");
        }
        if (value.isEmpty()) {
            throw HttpError.badRequest(field + " is empty; expected a non-negative whole number of milliseconds");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw HttpError.badRequest(field + " must be a non-negative whole number of milliseconds");
            }
        }
        // leading zeros are harmless but must not let a huge number through the length check
        String digits = value.replaceFirst("^0+(?=.)", "");
        if (digits.length() > MAX_DIGITS || Long.parseLong(digits) > LATEST) {
            throw HttpError.badRequest(field + " is too large: at most " + LATEST + " (year 9999)");
        }
        return Long.parseLong(digits);
    }

    /** {@code start + duration} (both from {@link #parse}), a 400 when it is past {@link #LATEST}. */
    public static long end(long start, long duration, String what) {
        long end = start + duration; // both at most LATEST: no overflow
        if (end > LATEST) {
            throw HttpError.badRequest(what + " ends after year 9999 (" + LATEST + ")");
        }
        return end;
    }
}
