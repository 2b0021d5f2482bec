/**
 * The one interface through which the edge (and later the exporter) asks the time index, whether the
 * indexer runs in the same process or elsewhere (then over HTTP).
 */
package io.kvr.index;
