/**
 * MPEG-4 AAC over RTP in RFC 3640 {@code mpeg4-generic} modes AAC-hbr and AAC-lbr: AU headers, several access
 * units per packet, an access unit fragmented over packets.
 */
package io.kvr.media.rtp.aac;
