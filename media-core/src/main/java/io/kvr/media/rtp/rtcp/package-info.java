/**
 * RTCP (RFC 3550 6): compound packets read and written ({@link io.kvr.media.rtp.rtcp.RtcpCompound}), reception
 * statistics for receiver reports, and the wall clock a sender report gives RTP timestamps
 * ({@link io.kvr.media.rtp.rtcp.SenderClock}).
 */
package io.kvr.media.rtp.rtcp;
