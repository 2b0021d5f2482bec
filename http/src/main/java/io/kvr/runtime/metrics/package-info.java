/** {@code GET /health} and {@code GET /metrics}, served by every kvr HTTP port. */
package io.kvr.runtime.metrics;
