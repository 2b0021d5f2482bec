/** Publishing StreamInfo and access units to the media topic. */
package io.kvr.bridge.kafka;
