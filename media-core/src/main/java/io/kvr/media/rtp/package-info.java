/**
 * RTP (RFC 3550) for kvr's RTSP server and client: the fixed header ({@link io.kvr.media.rtp.RtpPacket}), the
 * contracts a payload format implements ({@link io.kvr.media.rtp.Depacketizer} turns packets into access units,
 * {@link io.kvr.media.rtp.Packetizer} turns access units into packet payloads) and the one checked error every
 * parser here throws for bad input ({@link io.kvr.media.rtp.RtpFormatException}). Pure Java, no I/O: bytes in,
 * bytes out.
 */
package io.kvr.media.rtp;
