/**
 * RTP payload formats for video: H.264 (RFC 6184, non-interleaved mode), H.265 (RFC 7798, without DONL) and
 * MPEG-4 Part 2 (RFC 6416, MP4V-ES). Each has a depacketizer (RTP packets to access units, lost or damaged units
 * dropped until the next keyframe) and a packetizer (access units to payloads of a bounded size).
 */
package io.kvr.media.rtp.video;
