/** The media topic's wire contract: record layout, ingest session ids, chunking and reassembly of access units. */
package io.kvr.mediatopic;
