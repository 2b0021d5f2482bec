/** G.711 PCMU and PCMA over RTP (RFC 3551 4.5.14): 8-bit samples at 8000 Hz, one sample per timestamp tick. */
package io.kvr.media.rtp.g711;
