/**
 * Which cameras exist and which bridge instance pulls each: the compacted sources topic (read whole by every
 * instance), a consumer group over it (a camera runs where its partition is assigned), and the REST API that
 * writes it.
 */
package io.kvr.bridge.sources;
