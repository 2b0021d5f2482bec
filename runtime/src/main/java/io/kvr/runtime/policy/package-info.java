/** Recording policies per application (seed 004's console): the compacted policies topic, its reader, writer and HTTP API. */
package io.kvr.runtime.policy;
