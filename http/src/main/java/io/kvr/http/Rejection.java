package io.kvr.http;

/**
 * A request refused before it reached a route (malformed, too large, too slow, misdirected): answered with
 * {@code status} and {@code reason} as JSON, in order after the answers already due on the connection, which then
 * closes.
 */
record Rejection(int status, String reason) {}
