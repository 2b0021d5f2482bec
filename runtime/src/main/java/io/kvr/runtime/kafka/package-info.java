/** Typed topics, Kafka clients, the compacted-topic reader, Avro codecs and topic provisioning of every kvr app. */
package io.kvr.runtime.kafka;
