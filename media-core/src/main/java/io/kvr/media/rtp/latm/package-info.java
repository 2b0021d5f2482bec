/**
 * MPEG-4 audio over RTP as MP4A-LATM (RFC 6416 section 6) with the StreamMuxConfig out of band
 * ({@code cpresent=0}, the SDP's {@code config}): PayloadLengthInfo and PayloadMux of ISO/IEC 14496-3 1.7.3,
 * an audioMuxElement fragmented over packets up to the marker.
 */
package io.kvr.media.rtp.latm;
