/** The indexer: a Kafka Streams time index of segments per stream, queried through {@code SegmentIndex}. */
package io.kvr.indexer;
