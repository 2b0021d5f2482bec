/**
 * Who may watch what: signed tokens (HMAC-SHA256) and bearer JWTs granting one stream (or all streams of an
 * app), until an expiry, optionally only within a time range. Used by the edge and by any other route that
 * serves recordings.
 */
package io.kvr.runtime.access;
