/** Consuming the media topic, committing only what is safely stored, announcing segments. */
package io.kvr.segmenter.kafka;
