/** A single-node KRaft broker+controller running inside the JVM ({@link io.kvr.embedded.kafka.EmbeddedKafka}). */
package io.kvr.embedded.kafka;
