/**
 * Push-model writer of fragmented MP4 (ISO/IEC 14496-12 8.8 movie fragments) shaped for CMAF (ISO/IEC 23000-19)
 * and HLS/DASH: an init segment for a set of tracks, then one media segment (styp, moof, mdat) per fragment.
 * Output is deterministic: the same input gives the same bytes.
 */
package io.kvr.media.cmaf;
