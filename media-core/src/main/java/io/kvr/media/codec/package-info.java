/**
 * Codec configuration of kvr tracks: NAL unit byte streams (ITU-T H.264 / H.265 Annex B) and their conversion to
 * the length-prefixed form of ISO/IEC 14496-15, and the {@link io.kvr.media.codec.VideoFormat} /
 * {@link io.kvr.media.codec.AudioFormat} records with their RFC 6381 codecs strings.
 */
package io.kvr.media.codec;
