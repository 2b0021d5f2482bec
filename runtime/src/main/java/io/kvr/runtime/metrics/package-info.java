/** Prometheus metrics through Micrometer, and the routes that serve them with health. */
package io.kvr.runtime.metrics;
