/**
 * Recording policies per application (as in the Ti Top Streamer NVR console): the compacted policies topic, its
 * reader, writer and HTTP API.
 */
package io.kvr.policy;
