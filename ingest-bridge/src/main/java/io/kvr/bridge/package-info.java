/** The ingest bridge: one supervised reader per camera, publishing access units to the media topic. */
package io.kvr.bridge;
