/** Opus over RTP (RFC 7587): one Opus packet (RFC 6716) per RTP packet, 48 kHz clock. */
package io.kvr.media.rtp.opus;
