/**
 * Session descriptions (SDP, RFC 8866) as RTSP peers exchange them: {@link io.kvr.media.sdp.SessionDescription}
 * parses and writes them, {@link io.kvr.media.sdp.PayloadFormat} gives a media section's format parameters their
 * meaning in media-core's codec types, and {@link io.kvr.media.sdp.RelayDescription} describes kvr's relay.
 */
package io.kvr.media.sdp;
